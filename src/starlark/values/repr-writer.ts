import type { StarlarkValue } from './value.js';

/** Accumulates a repr; containers call enter/leave so cycles print as `[...]`. */
export interface ReprWriter {
  readonly text: string;
  /** How many more characters fit under the writer's limit (Infinity when unlimited). */
  readonly remaining: number;
  /** Appends text; throws ReprLimitExceeded when the limit would be passed. */
  write(part: string): void;
  writeValue(value: StarlarkValue): void;
  /** False when `value` is already being printed (a cycle). */
  enter(value: StarlarkValue): boolean;
  leave(): void;
}
