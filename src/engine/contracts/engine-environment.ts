import type { CancelReason } from './run-event.js';

/**
 * What a wait can be cancelled by without an AbortSignal: the engine's cancel scopes. A callback
 * in a small array is much cheaper than an AbortSignal with an abort listener, and a wide fan-out
 * has thousands of leaves waiting at once.
 */
export interface Cancellable {
  readonly reason: CancelReason | undefined;
  /** Calls back once when cancelled (at once if already cancelled); returns the way to unregister. */
  onCancel(callback: (reason: CancelReason) => void): () => void;
}

/** A sleep stops early on either: a caller's AbortSignal or an engine cancel scope. */
export type SleepCancellation = AbortSignal | Cancellable;

/** Clock, ids and randomness are injected; nothing in engine/ reads them from globals. */
export interface EngineEnvironment {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly newId: () => string;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Resolves after `ms` (or rejects with the reason when cancelled); tests use virtual time. */
  readonly sleep: (ms: number, cancellation?: SleepCancellation) => Promise<void>;
}

/** The reason a cancellation already carries, or undefined while it is not cancelled. */
export function cancelledReason(cancellation: SleepCancellation | undefined): unknown {
  if (!cancellation) return undefined;
  if (isAbortSignal(cancellation)) return cancellation.aborted ? cancellation.reason : undefined;
  return cancellation.reason;
}

/** Calls back once on cancel; returns the way to stop listening. For implementers of `sleep`. */
export function whenCancelled(cancellation: SleepCancellation | undefined, callback: (reason: unknown) => void): () => void {
  if (!cancellation) return NOTHING_TO_UNREGISTER;
  if (!isAbortSignal(cancellation)) return cancellation.onCancel(callback);
  const onAbort = (): void => callback(cancellation.reason);
  cancellation.addEventListener('abort', onAbort, { once: true });
  return () => cancellation.removeEventListener('abort', onAbort);
}

function isAbortSignal(cancellation: SleepCancellation): cancellation is AbortSignal {
  return typeof (cancellation as AbortSignal).addEventListener === 'function';
}

const NOTHING_TO_UNREGISTER = (): void => undefined;
