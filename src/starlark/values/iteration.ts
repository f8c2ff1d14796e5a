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

/** What holds a mutation lock while it is iterated: told once when each iteration ends. */
export interface IterationLock {
  endIteration(): void;
}

/**
 * Iterates an array that must not change while it runs; `lock` (a collection locked against
 * mutation for the loop) is told when the loop is done. The lock is the collection itself
 * rather than a callback, so a loop allocates one object, not two.
 */
export class ArrayIterator implements StarlarkIterator {
  private position = 0;
  constructor(
    private readonly elements: readonly Value[],
    private readonly lock?: IterationLock,
  ) {}
  next(): Value | undefined {
    return this.position < this.elements.length ? this.elements[this.position++] : undefined;
  }
  done(): void {
    this.lock?.endIteration();
  }
}
