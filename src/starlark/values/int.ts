import { StarlarkValue, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';

const SMALL_MIN = -256;
const SMALL_MAX = 1024;

/**
 * An arbitrary-precision integer. The payload is a JS number while it is a safe integer and a
 * bigint beyond that, so everyday arithmetic never touches BigInt.
 */
export class Int extends StarlarkValue {
  private static readonly small: Int[] = [];

  private constructor(readonly value: number | bigint) {
    super();
  }

  /** The int for a safe integer number or any bigint (normalised to the compact form). */
  static of(value: number | bigint): Int {
    if (typeof value === 'bigint') {
      if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
        return Int.of(Number(value));
      }
      return new Int(value);
    }
    if (!Number.isSafeInteger(value)) {
      if (!Number.isInteger(value)) throw new RangeError(`Int.of(${value}): not an integer`);
      return new Int(BigInt(value));
    }
    if (value >= SMALL_MIN && value <= SMALL_MAX) {
      const index = value - SMALL_MIN;
      return (Int.small[index] ??= new Int(value === 0 ? 0 : value));
    }
    return new Int(value);
  }

  get type(): string {
    return 'int';
  }
  override truth(): boolean {
    return this.value !== 0;
  }
  override hashKey(): HashKey {
    return this.value;
  }
  override keyEncoding(): string {
    return `i${this.value}`;
  }
  override equalsSameType(other: StarlarkValue): boolean {
    return this.value === (other as Int).value;
  }
  override compareSameType(other: StarlarkValue): number {
    const right = (other as Int).value;
    return this.value < right ? -1 : this.value > right ? 1 : 0;
  }
  bigint(): bigint {
    return typeof this.value === 'bigint' ? this.value : BigInt(this.value);
  }
  /** The value as a JS number when it is a safe integer, otherwise undefined. */
  toSafeNumber(): number | undefined {
    return typeof this.value === 'number' ? this.value : undefined;
  }
  writeRepr(out: ReprWriter): void {
    out.write(String(this.value));
  }
}
