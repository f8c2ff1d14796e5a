import type { EffectKind, EffectOutcome, EffectResult } from '../contracts/index.js';
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
 * alike. A boundary error (a determinism violation) propagates to the caller.
 */
export async function performEffect(
  context: NodeContext,
  ask: EffectAsk,
  live: (signal: AbortSignal) => Promise<EffectResult>,
): Promise<EffectOutcome> {
  const { run } = context;
  const scope = { nodeId: ask.nodeId, iteration: context.iteration };
  const ordinal = run.nextOrdinal(ask.nodeId, context.iteration);
  run.emit({ type: 'effect_requested', kind: ask.kind, key: ask.key, scope, ordinal, input: ask.input });
  const startedAt = run.environment.now();
  const request = { kind: ask.kind, key: ask.key, scope, ordinal, input: ask.input };
  const outcome = await run.settings.boundary.perform(request, live, context.scope.signal);
  run.emit({
    type: 'effect_completed',
    kind: ask.kind,
    key: ask.key,
    scope,
    ordinal,
    source: outcome.source,
    durationMs: run.environment.now() - startedAt,
    result: outcome.result,
  });
  return outcome;
}

/** Settles with the promise, or rejects with the signal's reason as soon as it aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
