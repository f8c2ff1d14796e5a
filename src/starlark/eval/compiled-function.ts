import type { SourcePosition } from '../../util/index.js';
import type { FunctionScope } from '../resolve/binding.js';
import type { Parameter } from '../syntax/ast.js';
import { Cell, StarlarkFunction, type FunctionCode, type KeywordArguments } from '../values/function.js';
import type { Value } from '../values/value.js';
import { bindArguments } from './bind-arguments.js';
import type { Evaluate } from './evaluate.js';
import { Frame } from './frame.js';
import { layoutParameters, type ParameterLayout } from './parameter-layout.js';
import type { Thread } from './thread.js';

/** Runs a function body in a prepared frame; leaves the result in frame.returnValue. */
export type Body = (frame: Frame) => void;

/** The shared, compiled form of one `def` or `lambda`. */
export class CompiledFunction implements FunctionCode {
  readonly parameterNames: readonly string[];
  private readonly layout: ParameterLayout;
  private readonly cellSlots: readonly number[];
  private readonly localCount: number;

  constructor(
    readonly name: string,
    readonly position: SourcePosition,
    readonly scope: FunctionScope,
    parameters: readonly Parameter[],
    private readonly body: Body,
  ) {
    this.layout = layoutParameters(parameters);
    this.parameterNames = parameters.flatMap((parameter) => (parameter.name ? [parameter.name.name] : []));
    this.cellSlots = scope.locals.filter((binding) => binding.scope === 'cell').map((binding) => binding.index);
    this.localCount = scope.locals.length;
  }

  /** The thread running this function now, if any: a second entry by it is recursion. */
  private activeThread: Thread | undefined;

  invoke(fn: StarlarkFunction, thread: Thread, args: readonly Value[], kwargs: KeywordArguments): Value {
    const locals = new Array<Value | Cell | undefined>(this.localCount);
    bindArguments(this.name, this.layout, fn.defaults, locals as (Value | undefined)[], args, kwargs);
    return this.run(fn, thread, locals);
  }

  /**
   * Whether a call with exactly `count` positional arguments and no keywords binds them to the
   * first `count` local slots and nothing else: then the caller may evaluate the arguments
   * straight into the locals array (see `localsFor`) instead of building an argument array.
   */
  takesExactly(count: number): boolean {
    return this.layout.plain && count === this.layout.positionalCount;
  }

  /** A fresh locals array for `run`; the caller fills the parameter slots (see `takesExactly`). */
  newLocals(): (Value | Cell | undefined)[] {
    return new Array<Value | Cell | undefined>(this.localCount);
  }

  /** Runs the body with parameters bound in `locals`: cells for captured variables, a frame, the recursion check. */
  run(fn: StarlarkFunction, thread: Thread, locals: (Value | Cell | undefined)[]): Value {
    // Indexed: in baseline code a for-of allocates an iterator on every call, even over no slots.
    const cellSlots = this.cellSlots;
    for (let index = 0; index < cellSlots.length; index++) locals[cellSlots[index]] = new Cell(locals[cellSlots[index]] as Value | undefined);
    const frame = new Frame(this.name, locals, fn.freeCells, fn.globals, thread, this.position);
    // The spec forbids recursion; a field beats a set lookup on every call. Another thread
    // (a host calling back into Starlark from a builtin) may run the function meanwhile.
    if (this.activeThread === thread) throw thread.recursionError(this.name);
    const outer = this.activeThread;
    this.activeThread = thread;
    thread.pushFrame(frame);
    try {
      this.body(frame);
      return frame.returnValue;
    } catch (error) {
      throw thread.annotate(error, frame);
    } finally {
      thread.popFrame();
      this.activeThread = outer;
    }
  }
}

/** Creates a closure of `code` in `frame`: evaluates defaults and captures free variables. */
export function makeClosure(code: CompiledFunction, frame: Frame, defaults: readonly (Evaluate | undefined)[]): StarlarkFunction {
  const values = defaults.map((evaluate) => evaluate?.(frame));
  const cells = code.scope.freeVariables.map((outer) => (outer.scope === 'cell' ? (frame.locals[outer.index] as Cell) : frame.free[outer.index]));
  return new StarlarkFunction(code, values, cells, frame.globals);
}

/** Default-value evaluators aligned with parameter slots (a bare `*` takes no slot). */
export function defaultSlots(parameters: readonly Parameter[], compile: (parameter: Parameter) => Evaluate | undefined): (Evaluate | undefined)[] {
  return parameters.filter((parameter) => parameter.name).map(compile);
}
