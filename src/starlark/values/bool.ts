import { StarlarkValue } from './value.js';
import type { ReprWriter } from './repr-writer.js';

export class Bool extends StarlarkValue {
  private constructor(readonly value: boolean) {
    super();
  }
  static readonly True = new Bool(true);
  static readonly False = new Bool(false);
  static of(value: boolean): Bool {
    return value ? Bool.True : Bool.False;
  }
  get type(): string {
    return 'bool';
  }
  override truth(): boolean {
    return this.value;
  }
  override keyEncoding(): string {
    return this.value ? 'T' : 'F';
  }
  override compareSameType(other: StarlarkValue): number {
    return Number(this.value) - Number((other as Bool).value);
  }
  writeRepr(out: ReprWriter): void {
    out.write(this.value ? 'True' : 'False');
  }
}

export const True = Bool.True;
export const False = Bool.False;
