import { StarlarkValue } from './value.js';
import type { ReprWriter } from './repr-writer.js';

export class NoneType extends StarlarkValue {
  get type(): string {
    return 'NoneType';
  }
  override truth(): boolean {
    return false;
  }
  override keyEncoding(): string {
    return 'N';
  }
  writeRepr(out: ReprWriter): void {
    out.write('None');
  }
}

export const None = new NoneType();
