import { StarlarkValue, CompositeKey, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { ArrayIterator, type StarlarkIterator } from './iteration.js';
import { compareSequences, sequencesEqual } from './sequence-equality.js';

/** An immutable sequence; hashable when all its elements are. */
export class Tuple extends StarlarkValue {
  static readonly empty = new Tuple([]);

  constructor(readonly elements: readonly StarlarkValue[]) {
    super();
  }
  get type(): string {
    return 'tuple';
  }
  get length(): number {
    return this.elements.length;
  }
  elementAt(index: number): StarlarkValue {
    return this.elements[index];
  }
  override truth(): boolean {
    return this.elements.length > 0;
  }
  override hashKey(): HashKey {
    return new CompositeKey(this.keyEncoding());
  }
  override keyEncoding(): string {
    let encoding = `(${this.elements.length}`;
    for (const element of this.elements) encoding += `,${element.keyEncoding()}`;
    return `${encoding})`;
  }
  override freeze(): void {
    for (const element of this.elements) element.freeze();
  }
  iterate(): StarlarkIterator {
    return new ArrayIterator(this.elements);
  }
  override equalsSameType(other: StarlarkValue, depth: number): boolean {
    return sequencesEqual(this.elements, (other as Tuple).elements, depth);
  }
  override compareSameType(other: StarlarkValue, depth: number): number {
    return compareSequences(this.elements, (other as Tuple).elements, depth);
  }
  writeRepr(out: ReprWriter): void {
    if (!out.enter(this)) {
      out.write('(...)');
      return;
    }
    out.write('(');
    this.elements.forEach((element, index) => {
      if (index > 0) out.write(', ');
      out.writeValue(element);
    });
    out.write(this.elements.length === 1 ? ',)' : ')');
    out.leave();
  }
}
