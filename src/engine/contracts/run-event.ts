import type { LaunchLimits } from './launch-limits.js';
import type { MemoUsage, NodeKind, NodeResult, RunStatus, Usage, WorkflowResult } from '../../ir/index.js';
import type { EffectArtifact, EffectKind, EffectResult, EffectScope, EffectSource } from './effect.js';
import type { LeafPlacement } from './leaf-runner.js';
import type { RunOverlay } from './run-overlay.js';
import type { PermissionGrant } from '../permissions/permission-grant.js';

/** Why work was stopped; one mechanism for user cancels and exhausted budgets. */
export type CancelReason =
  | { readonly type: 'user'; readonly message?: string }
  | { readonly type: 'budget_exceeded'; readonly budget: BudgetName; readonly limit: number; readonly used: number; readonly nodeId: string }
  | { readonly type: 'tournament_loser'; readonly tournamentId: string }
  | { readonly type: 'no_progress'; readonly nodeId: string; readonly idleMs: number }
  | { readonly type: 'shutdown' }
  /** The run's trace could not be written (a full disk, a damaged database): a run that cannot record stops. */
  | { readonly type: 'trace_failure'; readonly message: string };

export type BudgetName = 'max_tokens' | 'max_cost_microusd' | 'timeout_secs' | 'max_steps' | 'max_leaves';

interface EventBase {
  readonly runId: string;
  /** Milliseconds since the epoch, from the injected clock. */
  readonly at: number;
}

/**
 * The append-only record of a run. The engine emits these to a RunEventSink; the trace
 * stores them; replay, resume, inspect, ps and the TUI read them back.
 */
export type RunEvent =
  | (EventBase & {
      readonly type: 'run_started';
      readonly specHash: string;
      /** Canonical JSON of the spec that ran. */
      readonly spec: string;
      readonly engineVersion: string;
      readonly label: string;
      readonly mode: 'live' | 'replay' | 'resume';
      /** The run this one replays or resumes, if any. */
      readonly parentRunId?: string;
      readonly sourceFile?: string;
      /** The behaviour changes this run ran with (see ENGINE_PATCHES); absent: recorded before any. */
      readonly patches?: readonly string[];
      /** The overlay of lessons the run applied (absent when none): replay re-applies exactly this. */
      readonly overlay?: RunOverlay;
      /**
       * The permission grant the run ran under. It decides facts of the result (a writer isolated
       * in a worktree, a leaf refused), so replay runs under it too. Absent: recorded before it was kept.
       */
      readonly grant?: PermissionGrant;
      /** The launch limits expansions were held to; absent: recorded before they were kept (the defaults). */
      readonly launchLimits?: LaunchLimits;
    })
  | (EventBase & {
      readonly type: 'node_started';
      readonly nodeId: string;
      readonly kind: NodeKind;
      readonly parentId: string | null;
      readonly iteration: number;
      /** Role/model the node runs with, when known (for the TUI). */
      readonly role?: string;
    })
  | (EventBase & {
      readonly type: 'node_finished';
      readonly nodeId: string;
      readonly kind: NodeKind;
      readonly iteration: number;
      readonly status: RunStatus;
      readonly output: string | null;
      readonly usage: Usage;
      readonly memoUsage: MemoUsage;
      readonly error?: string;
      readonly details?: Readonly<Record<string, unknown>>;
    })
  | (EventBase & {
      readonly type: 'effect_requested';
      readonly kind: EffectKind;
      readonly key: string;
      readonly scope: EffectScope;
      readonly ordinal: number;
      readonly input: unknown;
      /**
       * Set by the trace store when it redacted a secret from `input`: the stored input is not
       * the one `key` was computed from, so replay and resume match this effect by its (redacted)
       * input instead of its key. Never set by the engine.
       */
      readonly redacted?: true;
    })
  | (EventBase & {
      readonly type: 'effect_completed';
      readonly kind: EffectKind;
      readonly key: string;
      readonly scope: EffectScope;
      readonly ordinal: number;
      readonly source: EffectSource;
      readonly durationMs: number;
      readonly result: EffectResult;
    })
  | (EventBase & {
      readonly type: 'decision';
      readonly nodeId: string;
      readonly iteration: number;
      readonly key: string;
      readonly decision: 'condition' | 'expansion' | 'winner' | 'pareto_front' | 'review';
      readonly value: unknown;
      readonly reason: string;
    })
  | (EventBase & { readonly type: 'activity'; readonly nodeId: string; readonly message: string })
  | (EventBase & {
      /**
       * What a leaf made before it was stopped (a cancelled tournament loser's diff, say): kept
       * for the teacher and `whaleflow apply`. Not part of the leaf's result, which stays the
       * cancel, so a replay (which runs no leaf) still matches the recording.
       */
      readonly type: 'leaf_stopped';
      readonly nodeId: string;
      readonly iteration: number;
      readonly message: string;
      readonly artifacts: readonly EffectArtifact[];
    })
  | (EventBase & {
      /**
       * The leaf's effect was taken by a queue worker (a second one after a lost worker); what
       * ps, inspect and the TUI show as "ran on". Not part of the result: replay runs no leaf.
       */
      readonly type: 'leaf_placed';
      readonly nodeId: string;
      readonly iteration: number;
      readonly worker: LeafPlacement;
    })
  | (EventBase & { readonly type: 'heartbeat'; readonly pid: number })
  | (EventBase & { readonly type: 'cancel_requested'; readonly nodeId: string | null; readonly reason: CancelReason })
  | (EventBase & {
      readonly type: 'run_finished';
      readonly status: RunStatus;
      readonly usage: Usage;
      readonly memoUsage: MemoUsage;
      readonly result: RecordedWorkflowResult;
      /** Replay's parity verdict, when this run was a replay. */
      readonly parity?: RunParity;
    });

/** A replay's verdict: identical to its recording, or where it first differs. */
export interface RunParity {
  readonly identical: boolean;
  readonly divergedAt?: string;
  readonly detail?: string;
  /** How the cost moved where effects ran live (never a divergence). */
  readonly accounting?: string;
}

/**
 * The result as run_finished records it: the run-level fields and a SHA-256 of the node
 * tree (see resultsDigest), not the tree itself. Every node's result is already in its node_finished event
 * (and a leaf's output in its effect_completed), so a copy of the tree here would store each
 * output a third time — megabytes for a wide fan-out. Replay compares digests and, only when
 * they differ, node events. Traces recorded before this carry `results` instead.
 */
export type RecordedWorkflowResult = Omit<WorkflowResult, 'results'> & {
  readonly results_sha256?: string;
  /** Only in traces recorded before run_finished stopped carrying the tree. */
  readonly results?: readonly NodeResult[];
};

export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;

/** Receives every event of a run, in emission order. Must not throw; must be fast. */
export interface RunEventSink {
  emit(event: RunEvent): void;
}
