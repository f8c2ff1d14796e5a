import type { StarlarkValue } from './value.js';

/** `target.push(...source)` without the engine's argument-count limit on large arrays. */
export function appendAll(target: StarlarkValue[], source: readonly StarlarkValue[]): void {
  for (let index = 0; index < source.length; index++) target.push(source[index]);
}
