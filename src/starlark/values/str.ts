import { StarlarkValue, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { quoteString } from './quote.js';

export { quoteString };

/**
 * A string: an immutable sequence of UTF-16 code units (like the Java implementation), so
 * indexing, `len` and slicing count code units.
 */
export class Str extends StarlarkValue {
  private static readonly empty = new Str('');
  private static readonly singleCharacters: Str[] = [];

  constructor(readonly value: string) {
    super();
  }

  static of(value: string): Str {
    if (value.length === 0) return Str.empty;
    if (value.length === 1) {
      const code = value.charCodeAt(0);
      if (code < 128) return (Str.singleCharacters[code] ??= new Str(value));
    }
    return new Str(value);
  }

  get type(): string {
    return 'string';
  }
  override truth(): boolean {
    return this.value.length > 0;
  }
  override hashKey(): HashKey {
    return this.value;
  }
  override keyEncoding(): string {
    return `s${this.value.length}:${this.value}`;
  }
  override equalsSameType(other: StarlarkValue): boolean {
    return this.value === (other as Str).value;
  }
  override compareSameType(other: StarlarkValue): number {
    const right = (other as Str).value;
    return this.value < right ? -1 : this.value > right ? 1 : 0;
  }
  override str(): string {
    return this.value;
  }
  writeRepr(out: ReprWriter): void {
    // Quote no more than can fit: a bounded repr of a huge string stays cheap.
    const text = this.value.length > out.remaining ? this.value.slice(0, out.remaining) : this.value;
    out.write(quoteString(text));
  }
}

/** Java's String.hashCode over UTF-16 code units, as the spec requires for `hash(str)`. */
export function stringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return hash;
}
