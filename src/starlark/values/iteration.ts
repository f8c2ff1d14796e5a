import type { Value } from './value.js';

/** A running loop over a Starlark iterable; `done` must be called to release mutation locks. */
export interface StarlarkIterator {
  /** The next element, or undefined at the end. */
  next(): Value | undefined;
  done(): void;
}

/** A value usable in `for` loops, comprehensions and builtins taking an iterable. */
export interface IterableValue extends Value {
  iterate(): StarlarkIterator;
}

/** A value with a known length and integer indexing (list, tuple, string, range, ...). */
export interface IndexableValue extends Value {
  readonly length: number;
  /** Element at a non-negative index below `length`. */
  elementAt(index: number): Value;
}

export function isIterable(value: Value): value is IterableValue {
  return typeof (value as Partial<IterableValue>).iterate === 'function';
}

export function isIndexable(value: Value): value is IndexableValue {
  return typeof (value as Partial<IndexableValue>).elementAt === 'function';
}

/** Iterates an array that must not change; no lock needed. */
export class ArrayIterator implements StarlarkIterator {
  private position = 0;
  constructor(
    private readonly elements: readonly Value[],
    private readonly onDone?: () => void,
  ) {}
  next(): Value | undefined {
    return this.position < this.elements.length ? this.elements[this.position++] : undefined;
  }
  done(): void {
    this.onDone?.();
  }
}
