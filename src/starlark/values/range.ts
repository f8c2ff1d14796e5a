import { StarlarkValue, unhashable, type HashKey } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import type { StarlarkIterator } from './iteration.js';
import { Int } from './int.js';

/** The lazy arithmetic sequence returned by `range`. */
export class Range extends StarlarkValue {
  readonly length: number;

  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {
    super();
    const span = step > 0 ? stop - start : start - stop;
    this.length = span <= 0 ? 0 : Math.ceil(span / Math.abs(step));
  }
  get type(): string {
    return 'range';
  }
  override truth(): boolean {
    return this.length > 0;
  }
  override hashKey(): HashKey {
    return unhashable(this);
  }
  elementAt(index: number): StarlarkValue {
    return Int.of(this.start + index * this.step);
  }
  contains(value: number): boolean {
    if (this.length === 0) return false;
    const last = this.start + (this.length - 1) * this.step;
    const low = Math.min(this.start, last);
    const high = Math.max(this.start, last);
    return value >= low && value <= high && (value - this.start) % this.step === 0;
  }
  iterate(): StarlarkIterator {
    let index = 0;
    return {
      next: () => (index < this.length ? this.elementAt(index++) : undefined),
      done: () => {},
    };
  }
  override equalsSameType(other: StarlarkValue): boolean {
    const right = other as Range;
    if (this.length !== right.length) return false;
    if (this.length === 0) return true;
    return this.start === right.start && (this.length === 1 || this.step === right.step);
  }
  /** The shortest call that makes this range: `range(10)`, `range(1, 10)` or `range(1, 10, 2)`. */
  writeRepr(out: ReprWriter): void {
    if (this.step !== 1) out.write(`range(${this.start}, ${this.stop}, ${this.step})`);
    else if (this.start !== 0) out.write(`range(${this.start}, ${this.stop})`);
    else out.write(`range(${this.stop})`);
  }
}
