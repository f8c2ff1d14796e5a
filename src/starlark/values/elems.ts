import { StarlarkValue, unhashable, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import type { StarlarkIterator } from './iteration.js';
import { Str, quoteString } from './str.js';
import { Int } from './int.js';
import { quoteBytes } from './bytes.js';

/** `s.elems()`: the one-code-unit strings of s, as an iterable sequence. */
export class StringElems extends StarlarkValue {
  constructor(readonly text: string) {
    super();
  }
  get type(): string {
    return 'string.elems';
  }
  get length(): number {
    return this.text.length;
  }
  override hashKey(): HashKey {
    return unhashable(this);
  }
  elementAt(index: number): StarlarkValue {
    return Str.of(this.text[index]);
  }
  iterate(): StarlarkIterator {
    let index = 0;
    return { next: () => (index < this.text.length ? this.elementAt(index++) : undefined), done: () => {} };
  }
  writeRepr(out: ReprWriter): void {
    out.write(`${quoteString(this.text.length > out.remaining ? this.text.slice(0, out.remaining) : this.text)}.elems()`);
  }
}

/** `b.elems()`: the byte values of b as ints. */
export class BytesElems extends StarlarkValue {
  constructor(readonly bytes: Uint8Array) {
    super();
  }
  get type(): string {
    return 'bytes.elems';
  }
  get length(): number {
    return this.bytes.length;
  }
  override hashKey(): HashKey {
    return unhashable(this);
  }
  elementAt(index: number): StarlarkValue {
    return Int.of(this.bytes[index]);
  }
  iterate(): StarlarkIterator {
    let index = 0;
    return { next: () => (index < this.bytes.length ? this.elementAt(index++) : undefined), done: () => {} };
  }
  writeRepr(out: ReprWriter): void {
    out.write(`${quoteBytes(this.bytes.length > out.remaining ? this.bytes.subarray(0, out.remaining) : this.bytes)}.elems()`);
  }
}
