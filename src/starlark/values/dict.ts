import { runtimeError } from '../errors.js';
import { StarlarkValue, unhashable, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { ArrayIterator, type StarlarkIterator } from './iteration.js';
import { HashTable } from './hash-table.js';
import { valuesEqual } from './compare.js';

/** A mutable mapping that remembers insertion order. */
export class Dict extends StarlarkValue {
  readonly table = new HashTable();
  private frozen = false;
  private activeIterators = 0;

  get type(): string {
    return 'dict';
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
    if (this.frozen) return;
    this.frozen = true;
    for (const entry of this.table.entries()) {
      entry.key.freeze();
      entry.value.freeze();
    }
  }
  checkMutable(action: string): void {
    if (this.frozen) throw runtimeError(`cannot ${action} frozen dict`);
    if (this.activeIterators > 0) throw runtimeError(`cannot ${action} dict during iteration`);
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
    if (!this.frozen) this.activeIterators++;
    return new ArrayIterator(this.table.keys(), this.frozen ? undefined : () => this.activeIterators--);
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
