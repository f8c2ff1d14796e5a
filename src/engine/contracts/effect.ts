import type { MemoUsage, Usage } from '../../ir/index.js';
import { isPending, type MaybePromise } from './maybe-promise.js';

/**
 * Everything nondeterministic the engine asks for. A leaf run, a reduce call, a condition
 * decision, an expansion, a tournament/pareto selection, a memory load and each memory
 * operation of a leaf are each one effect.
 */
export type EffectKind = 'leaf' | 'reduce' | 'decision' | 'expand' | 'selection' | 'memory';

/**
 * Where an effect sits in the run: the node that asked and which iteration of an enclosing
 * loop (0 outside loops). Within one scope, effects are asked for one after another, so
 * `ordinal` (0, 1, …) is deterministic even when scopes run concurrently. Replay matches
 * effects by (scope, ordinal) and then checks the key: a different key is a determinism
 * violation, not a reason to run the effect again.
 */
export interface EffectScope {
  readonly nodeId: string;
  readonly iteration: number;
  /**
   * Set on an effect performed inside another one (a leaf's memory operation, while the leaf's own
   * effect runs live): the ordinal of that enclosing effect. Nested effects count their own
   * ordinals. A replay that serves the enclosing effect from the trace never asks for them, and
   * that is no divergence; a resume that runs it live again is served them by key, so nothing
   * they paid for (a sub-query) is paid twice.
   */
  readonly within?: number;
}

export interface EffectRequest {
  readonly kind: EffectKind;
  /** Stable identity of what is asked: the leaf input hash, or a decision key. */
  readonly key: string;
  readonly scope: EffectScope;
  /** Position among the effects of this scope (0, 1, …), assigned by the engine. */
  readonly ordinal: number;
  /** What was asked, JSON-serializable (prompt, inputs, candidates…); recorded, never secret. */
  readonly input: unknown;
}

export interface EffectArtifact {
  readonly kind: 'diff' | 'stdout' | 'stderr' | 'transcript' | 'file';
  readonly name: string;
  readonly content: string;
}

export interface EffectResult {
  readonly status: 'succeeded' | 'failed';
  /** The text outcome (a leaf's answer, a summary), null when there is none. */
  readonly output: string | null;
  /** Structured outcome: a decision `{answer, reason}`, expanded nodes, a winner id, test exit code… */
  readonly data?: unknown;
  readonly usage: Usage;
  readonly memo_usage: MemoUsage;
  readonly error?: string;
  /** True when a failure may succeed if tried again (a provider 429/5xx); the engine decides. */
  readonly retryable?: boolean;
  readonly artifacts?: readonly EffectArtifact[];
}

/** How an effect's result was obtained; recorded with it. */
export type EffectSource = 'live' | 'trace';

export interface EffectOutcome {
  readonly result: EffectResult;
  readonly source: EffectSource;
}

/**
 * The one recorded boundary. The engine hands every effect to `perform` with a `live`
 * function that would do it for real; the boundary decides whether to call it (live mode),
 * serve a recorded result (replay), or mix both (resume). The engine emits the
 * effect_requested / effect_completed events around it, so every mode is recorded alike.
 * An outcome that is ready at once (a recorded result, a live answer that did not wait) may be
 * returned as is: the engine records it and goes on in the same turn.
 */
export interface EffectBoundary {
  perform(request: EffectRequest, live: () => MaybePromise<EffectResult>, cancellation: EffectCancellation): MaybePromise<EffectOutcome>;
}

/**
 * The asking node's cancellation. Its AbortSignal is created only when read: an AbortController
 * per leaf, made whether or not anything listens, was the largest part of the garbage a
 * 100,000-leaf run left in the old generation (AbortSignals outlive young-generation
 * collections). `live` already stops when the node is cancelled; a boundary reads `signal`
 * only when it waits on something of its own.
 */
export interface EffectCancellation {
  readonly signal: AbortSignal;
}

/**
 * Performs every effect for real. No async frame: it runs once per effect, and an answer that is
 * ready at once goes back the same way, without a promise.
 */
export const liveBoundary: EffectBoundary = {
  perform(_request, live) {
    const result = live();
    return isPending(result) ? result.then(liveOutcome) : liveOutcome(result);
  },
};

/** What the live boundary makes of a result: the engine does the same for it (see performEffect). */
export function liveOutcome(result: EffectResult): EffectOutcome {
  return { result, source: 'live' };
}

/** Raised by a replay boundary when the run asks for something the trace cannot serve as recorded. */
export class DeterminismViolation extends Error {
  override readonly name = 'DeterminismViolation';
  constructor(
    readonly scope: EffectScope,
    readonly ordinal: number,
    readonly expectedKey: string | undefined,
    readonly actualKey: string,
    message: string,
  ) {
    super(message);
  }
}
