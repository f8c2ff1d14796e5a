import { StarlarkValue, CompositeKey, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
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
  /** The UTF-8 decoding, invalid sequences replaced by U+FFFD. */
  override str(): string {
    return decoder.decode(this.value);
  }
  writeRepr(out: ReprWriter): void {
    out.write(quoteBytes(this.value));
  }
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    if (left[index] !== right[index]) return left[index] - right[index];
  }
  return left.length - right.length;
}

/** `b"..."` with printable ASCII kept, valid UTF-8 text kept, everything else as \xXX. */
export function quoteBytes(bytes: Uint8Array): string {
  let result = 'b"';
  for (const byte of bytes) {
    if (byte === 0x22) result += '\\"';
    else if (byte === 0x5c) result += '\\\\';
    else if (byte === 0x0a) result += '\\n';
    else if (byte === 0x0d) result += '\\r';
    else if (byte === 0x09) result += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) result += String.fromCharCode(byte);
    else result += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${result}"`;
}

/** FNV-1a 32-bit, as the spec requires for `hash(bytes)`. */
export function bytesHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}
