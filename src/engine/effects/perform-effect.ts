import { isPending, liveBoundary, liveOutcome, type EffectKind, type EffectOutcome, type EffectRequest, type EffectResult, type EffectScope, type EngineEnvironment, type MaybePromise, type RunEventOf } from '../contracts/index.js';
import type { CancelScope } from '../run/cancel-scope.js';
import type { NodeContext } from '../run/run-context.js';

export interface EffectAsk {
  readonly kind: EffectKind;
  readonly key: string;
  readonly nodeId: string;
  readonly input: unknown;
}

/**
 * Hands one effect to the boundary: assigns its ordinal within (node, iteration), emits
 * effect_requested before and effect_completed after, so live, replay and resume are recorded
 * alike. A boundary error (a determinism violation) propagates to the caller: thrown when the
 * boundary answered at once, else as the rejection. `live` is given the request, so work it
 * does can nest effects of its own inside it (see performNestedEffect). An outcome the boundary
 * had at once is recorded and returned in the same turn, without a promise.
 */
export function performEffect(
  context: NodeContext,
  ask: EffectAsk,
  live: (request: EffectRequest) => MaybePromise<EffectResult>,
): MaybePromise<EffectOutcome> {
  const { iteration } = context;
  const scope = { nodeId: ask.nodeId, iteration };
  const ordinal = context.run.nextOrdinal(ask.nodeId, iteration, ask.nodeId === context.parentId ? context.entry : undefined);
  return performInScope(context, ask, scope, ordinal, live);
}

/**
 * An effect performed while another one runs live (a leaf's memory operation): recorded in its
 * own slot, `within` the enclosing effect's ordinal, with ordinals the caller counts (one
 * counter per enclosing effect, so they are as deterministic as the work that asks).
 */
export function performNestedEffect(
  context: NodeContext,
  ask: EffectAsk,
  within: EffectRequest,
  ordinal: number,
  live: () => MaybePromise<EffectResult>,
): MaybePromise<EffectOutcome> {
  const scope = { nodeId: ask.nodeId, iteration: within.scope.iteration, within: within.ordinal };
  return performInScope(context, ask, scope, ordinal, live);
}

/** No async frame: this runs once per effect, and an outcome that is ready needs no promise. */
function performInScope(
  context: NodeContext,
  ask: EffectAsk,
  scope: EffectScope,
  ordinal: number,
  live: (request: EffectRequest) => MaybePromise<EffectResult>,
): MaybePromise<EffectOutcome> {
  const { run } = context;
  // runId and at are in the literals, filled there (see RunContext.emitStamped).
  const requested: RunEventOf<'effect_requested'> = { type: 'effect_requested', runId: run.runId, at: run.environment.now(), kind: ask.kind, key: ask.key, scope, ordinal, input: ask.input };
  run.emitStamped(requested);
  // Read after recording the request (which may take a while for a large prompt): the duration is the effect's own.
  const startedAt = run.environment.now();
  const request: EffectRequest = { kind: ask.kind, key: ask.key, scope, ordinal, input: ask.input };
  const { boundary } = run.settings;
  if (boundary === liveBoundary) {
    // The live boundary's work done here, so a live answer that waited is recorded by the
    // continuation that takes it: through the boundary it was one more promise per effect.
    const answer = live(request);
    if (isPending(answer)) return answer.then((result) => recordCompleted(context, ask, scope, ordinal, startedAt, liveOutcome(result)));
    return recordCompleted(context, ask, scope, ordinal, startedAt, liveOutcome(answer));
  }
  // The scope itself is the cancellation: its AbortSignal is made only if the boundary reads it.
  const performed = boundary.perform(request, () => live(request), context.scope);
  // A boundary error (a determinism violation) passes through unrecorded, as the caller expects.
  if (isPending(performed)) return performed.then((outcome) => recordCompleted(context, ask, scope, ordinal, startedAt, outcome));
  return recordCompleted(context, ask, scope, ordinal, startedAt, performed);
}

function recordCompleted(context: NodeContext, ask: EffectAsk, scope: EffectScope, ordinal: number, startedAt: number, outcome: EffectOutcome): EffectOutcome {
  const { run } = context;
  const at = run.environment.now();
  const completed: RunEventOf<'effect_completed'> = {
    type: 'effect_completed',
    runId: run.runId,
    at,
    kind: ask.kind,
    key: ask.key,
    scope,
    ordinal,
    source: outcome.source,
    durationMs: at - startedAt,
    result: outcome.result,
  };
  run.emitStamped(completed);
  return outcome;
}

/**
 * Settles with the promise, or rejects with the cancel reason as soon as the scope is
 * cancelled: a call that ignores its signal is not waited on (it is told to stop through
 * the signal; the engine does not keep a handle on it). For model calls, whose only cleanup is
 * the aborted request; a leaf runner gets a grace period (settleAfterCancel).
 */
export function raceCancel<T>(promise: Promise<T>, scope: CancelScope): Promise<T> {
  if (scope.reason) return Promise.reject(scope.reason);
  return new Promise<T>((resolve, reject) => {
    const unregister = scope.onCancel(reject);
    promise.then(
      (value) => {
        unregister();
        resolve(value);
      },
      (error: unknown) => {
        unregister();
        reject(error);
      },
    );
  });
}

/**
 * Like raceCancel, but once the scope is cancelled the work still gets `graceMs` to stop on
 * its own: a leaf runner kills its command, captures its diff and removes its worktree, and
 * that should finish before the node (and maybe the run, and the process) ends. Only a runner
 * that ignores its signal past the grace period is left behind.
 */
export function settleAfterCancel<T>(promise: Promise<T>, scope: CancelScope, graceMs: number, environment: Pick<EngineEnvironment, 'sleep'>): Promise<T> {
  if (graceMs <= 0) return raceCancel(promise, scope);
  return new Promise<T>((resolve, reject) => {
    // Stops the grace timer once the work settles, so it never holds the process open. Made
    // only on cancel: one controller per leaf would cost ~100 bytes × every leaf of the run.
    let graceTimer: AbortController | undefined;
    let settled = false;
    const unregister = scope.onCancel((reason) => {
      graceTimer = new AbortController();
      environment.sleep(graceMs, graceTimer.signal).then(
        () => {
          if (settled) return;
          settled = true;
          reject(reason);
        },
        () => undefined,
      );
    });
    // Settled here rather than through a shared helper taking a closure: once per leaf that waits.
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        unregister();
        graceTimer?.abort();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        unregister();
        graceTimer?.abort();
        reject(error);
      },
    );
  });
}
