import type { StarlarkValue } from './value.js';
import { MutableCollection } from './mutable-collection.js';
import type { ReprWriter } from './repr-writer.js';
import type { StarlarkIterator } from './iteration.js';
import { HashTable } from './hash-table.js';
import { valuesEqual } from './compare.js';

/** A mutable mapping that remembers insertion order. */
export class Dict extends MutableCollection {
  constructor(readonly table: HashTable = new HashTable()) {
    super();
  }

  get type(): string {
    return 'dict';
  }
  get length(): number {
    return this.table.size;
  }
  protected freezeContents(): void {
    for (const entry of this.table.entries()) {
      entry.key.freeze();
      entry.value.freeze();
    }
  }
  get(key: StarlarkValue): StarlarkValue | undefined {
    return this.table.get(key);
  }
  /** `d[k] = v`, checking mutability. */
  set(key: StarlarkValue, value: StarlarkValue): void {
    this.checkMutable('insert into');
    this.table.set(key, value);
  }
  iterate(): StarlarkIterator {
    return this.iterateLocked(this.table.keys());
  }
  override equalsSameType(other: StarlarkValue, depth: number): boolean {
    const right = other as Dict;
    if (this.table.size !== right.table.size) return false;
    for (const entry of this.table.entries()) {
      const value = right.table.get(entry.key);
      if (value === undefined || !valuesEqual(entry.value, value, depth + 1)) return false;
    }
    return true;
  }
  writeRepr(out: ReprWriter): void {
    if (!out.enter(this)) {
      out.write('{...}');
      return;
    }
    out.write('{');
    let first = true;
    for (const entry of this.table.entries()) {
      if (!first) out.write(', ');
      first = false;
      out.writeValue(entry.key);
      out.write(': ');
      out.writeValue(entry.value);
    }
    out.write('}');
    out.leave();
  }
}
