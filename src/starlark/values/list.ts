import { runtimeError } from '../errors.js';
import { StarlarkValue, unhashable, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { ArrayIterator, type StarlarkIterator } from './iteration.js';
import { compareSequences, sequencesEqual } from './sequence-equality.js';

/** A mutable sequence. Mutation fails while the list is frozen or being iterated. */
export class List extends StarlarkValue {
  private frozen = false;
  private activeIterators = 0;

  constructor(readonly elements: StarlarkValue[] = []) {
    super();
  }
  get type(): string {
    return 'list';
  }
  get length(): number {
    return this.elements.length;
  }
  get isFrozen(): boolean {
    return this.frozen;
  }
  elementAt(index: number): StarlarkValue {
    return this.elements[index];
  }
  override truth(): boolean {
    return this.elements.length > 0;
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
    for (const element of this.elements) element.freeze();
  }
  /** Throws unless the list may change now; `action` reads like "append to". */
  checkMutable(action: string): void {
    if (this.frozen) throw runtimeError(`cannot ${action} frozen list`);
    if (this.activeIterators > 0) throw runtimeError(`cannot ${action} list during iteration`);
  }
  iterate(): StarlarkIterator {
    if (!this.frozen) this.activeIterators++;
    return new ArrayIterator(this.elements, this.frozen ? undefined : () => this.activeIterators--);
  }
  override equalsSameType(other: StarlarkValue, depth: number): boolean {
    return sequencesEqual(this.elements, (other as List).elements, depth);
  }
  override compareSameType(other: StarlarkValue, depth: number): number {
    return compareSequences(this.elements, (other as List).elements, depth);
  }
  writeRepr(out: ReprWriter): void {
    if (!out.enter(this)) {
      out.write('[...]');
      return;
    }
    out.write('[');
    this.elements.forEach((element, index) => {
      if (index > 0) out.write(', ');
      out.writeValue(element);
    });
    out.write(']');
    out.leave();
  }
}
