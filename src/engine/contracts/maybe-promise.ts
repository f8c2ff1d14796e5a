/**
 * A value now, or a promise of it later. What a port returns when it can sometimes answer at once
 * (a mock without latency, an effect served from a trace): the engine then finishes that step in
 * the same turn, with no promise and no microtask hop per leaf, and awaits only real waits.
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether the answer is still to come. A thenable check rather than `instanceof Promise`: a
 * promise from another realm is still a promise, never a result.
 */
export function isPending<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
