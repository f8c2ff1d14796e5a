import type { Value } from '../values/value.js';
import type { Frame } from './frame.js';

/** A compiled expression. */
export type Evaluate = (frame: Frame) => Value;

/** How a compiled statement finished. */
export const enum Flow {
  Normal = 0,
  Break = 1,
  Continue = 2,
  Return = 3,
}

/** A compiled statement. */
export type Execute = (frame: Frame) => Flow;

/** A compiled assignment target: stores `value`. */
export type Assign = (frame: Frame, value: Value) => void;

/** The values a file sees without binding them. */
export interface CompileEnvironment {
  readonly predeclared: ReadonlyMap<string, Value>;
  readonly universe: ReadonlyMap<string, Value>;
}
