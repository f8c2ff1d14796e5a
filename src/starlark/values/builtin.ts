import type { SourcePosition } from '../../util/index.js';
import type { Thread } from '../eval/thread.js';
import { StarlarkValue } from './value.js';
import type { ReprWriter } from './repr-writer.js';
import type { KeywordArguments } from './function.js';

/** Everything a builtin implementation receives about one call. */
export interface BuiltinCall {
  /** The builtin's name, e.g. `len` or `append`. */
  readonly name: string;
  readonly args: readonly StarlarkValue[];
  /** Keyword arguments in the order they were written. */
  readonly kwargs: KeywordArguments;
  readonly thread: Thread;
  /** The `.star` position of the call expression (for hosts that record where nodes come from). */
  readonly position: SourcePosition;
  /** For a method such as `"a".upper`, the value before the dot. */
  readonly receiver: StarlarkValue | undefined;
}

export type BuiltinImplementation = (call: BuiltinCall) => StarlarkValue;

/** A function implemented in TypeScript: a universal builtin, a host function or a bound method. */
export class Builtin extends StarlarkValue {
  constructor(
    readonly name: string,
    readonly implementation: BuiltinImplementation,
    readonly receiver?: StarlarkValue,
  ) {
    super();
  }
  get type(): string {
    return 'builtin_function_or_method';
  }
  /** The same builtin bound to a receiver, as `x.method` produces. */
  bindTo(receiver: StarlarkValue): Builtin {
    return new Builtin(this.name, this.implementation, receiver);
  }
  override equalsSameType(other: StarlarkValue): boolean {
    const right = other as Builtin;
    return this === right || (this.implementation === right.implementation && this.receiver === right.receiver && this.name === right.name);
  }
  writeRepr(out: ReprWriter): void {
    out.write(
      this.receiver ? `<built-in method ${this.name} of ${this.receiver.type} value>` : `<built-in function ${this.name}>`,
    );
  }
}
