import { StarlarkValue, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import { formatFloatShortest } from './float-format.js';

/** An IEEE 754 double. NaN equals itself and sorts above every other float, as the spec says. */
export class Float extends StarlarkValue {
  constructor(readonly value: number) {
    super();
  }
  static of(value: number): Float {
    return new Float(value);
  }
  get type(): string {
    return 'float';
  }
  override truth(): boolean {
    return this.value !== 0;
  }
  override hashKey(): HashKey {
    // Integral floats share the key of the equal int, so 1.0 and 1 are the same dict key.
    if (Number.isInteger(this.value) && !Number.isSafeInteger(this.value)) return BigInt(this.value);
    return this.value === 0 ? 0 : this.value;
  }
  override keyEncoding(): string {
    // `+ 0` turns -0 into 0, which equals the int 0.
    if (Number.isInteger(this.value)) return `i${Number.isSafeInteger(this.value) ? this.value + 0 : BigInt(this.value)}`;
    return `f${this.value}`;
  }
  override equalsSameType(other: StarlarkValue): boolean {
    return compareFloats(this.value, (other as Float).value) === 0;
  }
  override compareSameType(other: StarlarkValue): number {
    return compareFloats(this.value, (other as Float).value);
  }
  writeRepr(out: ReprWriter): void {
    out.write(formatFloatShortest(this.value));
  }
}

/** Total order of floats: NaN is equal to itself and greater than everything else. */
export function compareFloats(left: number, right: number): number {
  if (Number.isNaN(left)) return Number.isNaN(right) ? 0 : 1;
  if (Number.isNaN(right)) return -1;
  return left < right ? -1 : left > right ? 1 : 0;
}
