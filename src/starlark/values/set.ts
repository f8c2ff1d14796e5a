import type { StarlarkValue } from './value.js';
import { MutableCollection } from './mutable-collection.js';
import type { ReprWriter } from './repr-writer.js';
import type { StarlarkIterator } from './iteration.js';
import { HashTable } from './hash-table.js';

/** A mutable, insertion-ordered set of hashable values. */
export class StarlarkSet extends MutableCollection {
  readonly table = new HashTable();

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
  protected freezeContents(): void {
    // Set elements are hashable, hence already immutable.
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
    return this.iterateLocked(this.table.keys());
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
