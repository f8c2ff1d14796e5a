import { StarlarkValue, CompositeKey, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { decodeUtf8Replacing, quoteBytes } from './quote.js';

export { quoteBytes };

/** One char per byte, for key encodings (no argument-count limit, unlike String.fromCharCode(...)). */
const latin1 = new TextDecoder('latin1');

/** An immutable sequence of bytes. */
export class Bytes extends StarlarkValue {
  constructor(readonly value: Uint8Array) {
    super();
  }
  static fromString(text: string): Bytes {
    return new Bytes(new TextEncoder().encode(text));
  }
  get type(): string {
    return 'bytes';
  }
  override truth(): boolean {
    return this.value.length > 0;
  }
  override hashKey(): HashKey {
    return new CompositeKey(this.keyEncoding());
  }
  override keyEncoding(): string {
    return `b${this.value.length}:${latin1.decode(this.value)}`;
  }
  override equalsSameType(other: StarlarkValue): boolean {
    return compareBytes(this.value, (other as Bytes).value) === 0;
  }
  override compareSameType(other: StarlarkValue): number {
    return compareBytes(this.value, (other as Bytes).value);
  }
  /** The UTF-8 decoding; each byte that is not part of a valid sequence becomes one U+FFFD. */
  override str(): string {
    return decodeUtf8Replacing(this.value);
  }
  writeRepr(out: ReprWriter): void {
    const bytes = this.value.length > out.remaining ? this.value.subarray(0, out.remaining) : this.value;
    out.write(quoteBytes(bytes));
  }
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    if (left[index] !== right[index]) return left[index] - right[index];
  }
  return left.length - right.length;
}

/** FNV-1a 32-bit, as the spec requires for `hash(bytes)`: an unsigned 32-bit value. */
export function bytesHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}
