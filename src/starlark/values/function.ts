import type { SourcePosition } from '../../util/index.js';
import type { Thread } from '../eval/thread.js';
import { StarlarkValue } from './value.js';
import type { ReprWriter } from './repr-writer.js';

/** A variable shared between a function and the closures it creates. */
export class Cell {
  constructor(public value: StarlarkValue | undefined) {}
}

/** Keyword arguments in call order. */
export type KeywordArguments = readonly (readonly [string, StarlarkValue])[];

/** What the evaluator compiled from a `def` or `lambda`; shared by every closure of it. */
export interface FunctionCode {
  readonly name: string;
  readonly position: SourcePosition;
  readonly parameterNames: readonly string[];
  invoke(
    fn: StarlarkFunction,
    thread: Thread,
    args: readonly StarlarkValue[],
    kwargs: KeywordArguments,
  ): StarlarkValue;
}

/** A function defined in Starlark (`def` or `lambda`), closed over its free variables. */
export class StarlarkFunction extends StarlarkValue {
  constructor(
    readonly code: FunctionCode,
    /** Default values of optional parameters, in parameter order (undefined for required ones). */
    readonly defaults: readonly (StarlarkValue | undefined)[],
    readonly freeCells: readonly Cell[],
    /** The module's global variables, shared with every function of the module. */
    readonly globals: (StarlarkValue | undefined)[],
  ) {
    super();
  }
  get type(): string {
    return 'function';
  }
  get name(): string {
    return this.code.name;
  }
  override freeze(): void {
    for (const value of this.defaults) value?.freeze();
    for (const cell of this.freeCells) cell.value?.freeze();
  }
  call(thread: Thread, args: readonly StarlarkValue[], kwargs: KeywordArguments): StarlarkValue {
    return this.code.invoke(this, thread, args, kwargs);
  }
  writeRepr(out: ReprWriter): void {
    out.write(`<function ${this.code.name}>`);
  }
}
