import type { StarlarkValue } from './value.js';
import { MutableCollection } from './mutable-collection.js';
import type { ReprWriter } from './repr-writer.js';
import type { StarlarkIterator } from './iteration.js';
import { compareSequences, sequencesEqual } from './sequence-equality.js';

/** A mutable sequence. Mutation fails while the list is frozen or being iterated. */
export class List extends MutableCollection {

  constructor(readonly elements: StarlarkValue[] = []) {
    super();
  }
  get type(): string {
    return 'list';
  }
  get length(): number {
    return this.elements.length;
  }
  elementAt(index: number): StarlarkValue {
    return this.elements[index];
  }
  protected freezeContents(): void {
    for (const element of this.elements) element.freeze();
  }
  iterate(): StarlarkIterator {
    return this.iterateLocked(this.elements);
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
