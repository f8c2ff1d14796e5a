import { runtimeError } from '../errors.js';
import { StarlarkValue, unhashable, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { ArrayIterator, type StarlarkIterator } from './iteration.js';
import { HashTable } from './hash-table.js';

/** A mutable, insertion-ordered set of hashable values. */
export class StarlarkSet extends StarlarkValue {
  readonly table = new HashTable();
  private frozen = false;
  private activeIterators = 0;

  constructor(elements: Iterable<StarlarkValue> = []) {
    super();
    for (const element of elements) this.table.set(element, element);
  }
  get type(): string {
    return 'set';
  }
  get length(): number {
    return this.table.size;
  }
  get isFrozen(): boolean {
    return this.frozen;
  }
  override truth(): boolean {
    return this.table.size > 0;
  }
  override hashKey(): HashKey {
    return unhashable(this);
  }
  override keyEncoding(): string {
    return unhashable(this);
  }
  override freeze(): void {
    this.frozen = true;
  }
  checkMutable(action: string): void {
    if (this.frozen) throw runtimeError(`cannot ${action} frozen set`);
    if (this.activeIterators > 0) throw runtimeError(`cannot ${action} set during iteration`);
  }
  has(element: StarlarkValue): boolean {
    return this.table.has(element);
  }
  /** Adds without checking mutability; for building new sets. */
  addUnchecked(element: StarlarkValue): void {
    this.table.set(element, element);
  }
  elements(): StarlarkValue[] {
    return this.table.keys();
  }
  iterate(): StarlarkIterator {
    if (!this.frozen) this.activeIterators++;
    return new ArrayIterator(this.table.keys(), this.frozen ? undefined : () => this.activeIterators--);
  }
  isSubsetOf(other: StarlarkSet): boolean {
    if (this.length > other.length) return false;
    for (const entry of this.table.entries()) if (!other.has(entry.key)) return false;
    return true;
  }
  override equalsSameType(other: StarlarkValue): boolean {
    const right = other as StarlarkSet;
    return this.length === right.length && this.isSubsetOf(right);
  }
  writeRepr(out: ReprWriter): void {
    if (this.table.size === 0) {
      out.write('set()');
      return;
    }
    out.write('set([');
    let first = true;
    for (const entry of this.table.entries()) {
      if (!first) out.write(', ');
      first = false;
      out.writeValue(entry.key);
    }
    out.write('])');
  }
}
