import { runtimeError } from '../errors.js';
import { ArrayIterator, type IterationLock, type StarlarkIterator } from './iteration.js';
import { StarlarkValue, unhashable, type HashKey } from './value.js';

/**
 * What list, dict and set share: they are unhashable, true when non-empty, and refuse to
 * change once frozen or while being iterated (the spec makes mutation during iteration an error).
 */
export abstract class MutableCollection extends StarlarkValue implements IterationLock {
  private frozen = false;
  private activeIterators = 0;

  // Written out: the implicit one of a class with fields is `constructor(...args) { super(...args) }`,
  // which gathers and spreads an arguments array for every list and dict built.
  constructor() {
    super();
  }

  abstract get length(): number;

  /** Freezes what the collection holds; called once, by `freeze`. */
  protected abstract freezeContents(): void;

  get isFrozen(): boolean {
    return this.frozen;
  }
  override truth(): boolean {
    return this.length > 0;
  }
  override hashKey(): HashKey {
    return unhashable(this);
  }
  override keyEncoding(): string {
    return unhashable(this);
  }
  override freeze(): void {
    if (this.frozen) return;
    this.frozen = true;
    this.freezeContents();
  }
  /** Throws unless the collection may change now; `action` reads like "append to". */
  checkMutable(action: string): void {
    if (this.frozen) throw runtimeError(`cannot ${action} frozen ${this.type}`);
    if (this.activeIterators > 0) throw runtimeError(`cannot ${action} ${this.type} during iteration`);
  }
  /** Iterates `items`, holding the mutation lock until the iterator is done (frozen ones need none). */
  protected iterateLocked(items: readonly StarlarkValue[]): StarlarkIterator {
    if (this.frozen) return new ArrayIterator(items, undefined);
    this.activeIterators++;
    return new ArrayIterator(items, this);
  }
  /** Releases the lock taken by iterateLocked (called by its iterator, once, when the loop ends). */
  endIteration(): void {
    this.activeIterators--;
  }
}
