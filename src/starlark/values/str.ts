import { StarlarkValue, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';

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
    out.write(quoteString(this.value));
  }
}

/** Double-quoted Starlark literal for a string, escaping as Go's implementation does. */
export function quoteString(text: string): string {
  let result = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    switch (code) {
      case 0x22:
        result += '\\"';
        break;
      case 0x5c:
        result += '\\\\';
        break;
      case 0x0a:
        result += '\\n';
        break;
      case 0x0d:
        result += '\\r';
        break;
      case 0x09:
        result += '\\t';
        break;
      case 0x07:
        result += '\\a';
        break;
      case 0x08:
        result += '\\b';
        break;
      case 0x0c:
        result += '\\f';
        break;
      case 0x0b:
        result += '\\v';
        break;
      default:
        if (code < 0x20 || code === 0x7f) result += `\\x${code.toString(16).padStart(2, '0')}`;
        else result += text[index];
    }
  }
  return `${result}"`;
}

/** Java's String.hashCode over UTF-16 code units, as the spec requires for `hash(str)`. */
export function stringHash(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return hash;
}
