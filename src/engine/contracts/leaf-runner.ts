import type { LeafSpec, WorkflowSpec } from '../../ir/index.js';
import type { EffectArtifact, EffectResult } from './effect.js';
import type { MaybePromise } from './maybe-promise.js';
import type { LeafMemory } from './memory-port.js';
import type { OverlayPart } from './run-overlay.js';

/** What a leaf may still spend when it starts: the minimum of its own and its ancestors' remainders. */
export interface RemainingBudget {
  readonly tokens?: number;
  readonly costMicrousd?: number;
  readonly steps?: number;
  /** Absolute deadline in the injected clock's milliseconds. */
  readonly deadline?: number;
}

/** The effective permissions of a leaf after narrowing by every ancestor and the user's grant. */
export interface EffectivePermissions {
  readonly allowWrite: boolean;
  readonly allowNetwork: boolean;
  /** Empty means the defaults for the leaf's mode. */
  readonly allowedTools: readonly string[];
  /** Globs confining reads and writes; empty means the whole workspace. */
  readonly fileScope: readonly string[];
  /** Commands the leaf may run (a test/shell leaf's own command is always among them). */
  readonly allowedCommands: readonly string[];
  /** Run in an isolated git worktree (explicit, or automatic for parallel writers). */
  readonly isolation: 'shared' | 'worktree';
}

export interface LeafRunInput {
  readonly workflow: Pick<WorkflowSpec, 'id' | 'goal'>;
  readonly leaf: LeafSpec;
  /** Outputs of `depends_on_results`, by id. */
  readonly resolvedInputs: Readonly<Record<string, string | null>>;
  readonly inputHash: string;
  /** The model role this leaf runs as (its `role`, else derived from its agent_type). */
  readonly role: string;
  readonly permissions: EffectivePermissions;
  readonly budget: RemainingBudget;
  readonly runId: string;
  /**
   * Which effect this run of the leaf is: the iteration of its innermost loop and its ordinal
   * among the effects of (leaf, iteration) — a retry or a later outer-loop pass is the next
   * ordinal. With the leaf id it names the effect uniquely within a run, so a runner that hands
   * leaves to other processes (the queue) can derive an idempotent job id from it.
   */
  readonly effect?: { readonly iteration: number; readonly ordinal: number };
  /** What the run's overlay gives this leaf: an advisory block for its system prompt, a role policy. */
  readonly overlay?: OverlayPart;
  /**
   * A worktree leaf's starting point besides HEAD: the diffs (in `depends_on_results` order) of
   * the leaves it depends on that changed something, so a test of a writer's change runs where
   * the change is. Absent when there are none.
   */
  readonly baseDiffs?: readonly { readonly leafId: string; readonly diff: string }[];
}

/** Where a leaf runs when a runner hands it to another process (a queue worker). */
export interface LeafPlacement {
  /** The worker's id, unique per worker process. */
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
}

/**
 * How a running leaf reports back. The engine's implementation is a class (one per leaf, kept
 * small): call `activity` and `spend` on the context, do not detach them, and do not spread it
 * (`signal` is a getter that makes the AbortSignal on first read).
 */
export interface LeafRunContext {
  readonly signal: AbortSignal;
  /** Report progress (a tool call, a line of output); also serves as the leaf's heartbeat. */
  activity(message: string): void;
  /**
   * The external memory the leaf declared (`memory.contexts`), when it declared any: operations
   * over its contexts, each recorded. Absent for every other leaf, whatever the model asks.
   */
  readonly memory?: LeafMemory;
  /** Report usage as it accrues, so budgets can stop the leaf mid-flight. */
  spend(usage: { inputTokens: number; outputTokens: number; costMicrousd: number | null; steps?: number }): void;
  /**
   * Report that the leaf was placed on (or, after a lost worker, moved to) another process;
   * recorded as a `leaf_placed` event. Runners that run leaves in-process never call it.
   */
  placed?(placement: LeafPlacement): void;
  /**
   * Wait for a model call. While it is in flight the leaf is waiting on a provider, whose own
   * timeout bounds the call, not idle: the no-progress watchdog leaves it alone until it settles.
   */
  awaitModel?<T>(call: Promise<T>): Promise<T>;
  /**
   * Wait `ms` on the engine's clock, rejecting with the cancel reason as soon as the leaf is
   * cancelled. Cheaper than sleeping on `signal`: no AbortSignal is made for the leaf.
   */
  sleep?(ms: number): Promise<void>;
  /**
   * Calls back once when the leaf is cancelled (at once if it already is); returns the way to stop
   * listening. Cheaper than listening on `signal`: no AbortSignal is made for the leaf (a queue's
   * runner hands thousands of leaves on and only needs to hear a cancel).
   */
  onCancel?(callback: (reason: unknown) => void): () => void;
}

/**
 * Runs one leaf for real (agent tool loop, search, test or shell) or as a mock. A runner whose
 * answer is ready at once (a mock without latency) may return it as is; a throw then counts as
 * the leaf's failure, like a rejection.
 */
export interface LeafRunner {
  run(input: LeafRunInput, context: LeafRunContext): MaybePromise<EffectResult>;
}

/**
 * A runner stopped mid-leaf (cancelled, out of time) may throw an error that carries what it made
 * so far, e.g. the diff of its worktree; the engine records it as a `leaf_stopped` event.
 */
export function stoppedLeafArtifacts(error: unknown): readonly EffectArtifact[] | undefined {
  if (!(error instanceof Error) || !('artifacts' in error)) return undefined;
  const artifacts = (error as { artifacts: unknown }).artifacts;
  return Array.isArray(artifacts) && artifacts.length > 0 ? (artifacts as EffectArtifact[]) : undefined;
}
