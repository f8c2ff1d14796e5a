import type { SourcePosition } from '../../util/index.js';
import { StarlarkError, type StarlarkCallFrame } from '../errors.js';
import type { FunctionCode, KeywordArguments } from '../values/function.js';
import type { Value } from '../values/value.js';
import { callValue } from './call-value.js';

/** The part of a frame the thread tracks for call stacks. */
export interface ActiveFrame {
  readonly name: string;
  position: SourcePosition;
}

export interface ThreadOptions {
  readonly print?: (message: string) => void;
  /** Maximum number of evaluation steps (statements, loop iterations, calls). */
  readonly maxSteps?: number;
  readonly signal?: AbortSignal;
}

/** Default step budget: generous for real programs, small enough to stop runaway loops quickly. */
export const DEFAULT_MAX_STEPS = 10_000_000;

/**
 * The state of one execution: the call stack, the step budget and cancellation. Builtins get
 * it through BuiltinCall.thread, e.g. to call back into Starlark with `thread.call`.
 */
export class Thread {
  readonly print: (message: string) => void;
  readonly maxSteps: number;
  readonly signal: AbortSignal | undefined;
  private stepCount = 0;
  private readonly frames: ActiveFrame[] = [];
  private readonly activeFunctions = new Set<FunctionCode>();

  constructor(options: ThreadOptions = {}) {
    this.print = options.print ?? (() => {});
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.signal = options.signal;
  }

  get steps(): number {
    return this.stepCount;
  }

  /** Counts one step; throws when the budget is spent or the signal aborted. */
  step(): void {
    if (++this.stepCount > this.maxSteps) {
      throw new StarlarkError(`step budget exceeded: more than ${this.maxSteps} steps (raise maxSteps if the program is legitimate)`, {
        kind: 'step-budget',
      });
    }
    if ((this.stepCount & 1023) === 0) this.checkCancelled();
  }

  /** Counts `count` steps at once, for builtins whose work is proportional to a size. */
  charge(count: number): void {
    this.stepCount += Math.max(0, count - 1);
    this.step();
  }

  checkCancelled(): void {
    if (this.signal?.aborted) {
      throw new StarlarkError('execution cancelled', { kind: 'cancelled', cause: this.signal.reason });
    }
  }

  /** Calls any callable value from a builtin (e.g. a `key=` function). */
  call(callee: Value, args: readonly Value[], kwargs: KeywordArguments = []): Value {
    const frame = this.frames[this.frames.length - 1];
    return callValue(this, callee, args, kwargs, frame?.position ?? { file: '<builtin>', line: 0, column: 0 });
  }

  /** Enters a Starlark function; rejects recursion, which the spec disallows. */
  enter(frame: ActiveFrame, code: FunctionCode | undefined): void {
    if (code) {
      if (this.activeFunctions.has(code)) throw new StarlarkError(`function ${code.name} called recursively (recursion is not allowed in Starlark)`);
      this.activeFunctions.add(code);
    }
    this.frames.push(frame);
  }

  leave(code: FunctionCode | undefined): void {
    this.frames.pop();
    if (code) this.activeFunctions.delete(code);
  }

  /** The current Starlark call stack, outermost first. */
  callStack(): StarlarkCallFrame[] {
    return this.frames.map((frame) => ({ name: frame.name, position: frame.position }));
  }

  /**
   * Gives an error escaping `frame` its position and the call stack (innermost wins) and
   * turns JS resource errors (stack overflow, huge strings) into StarlarkErrors.
   */
  annotate(error: unknown, frame: ActiveFrame): unknown {
    let starlarkError: StarlarkError;
    if (error instanceof StarlarkError) starlarkError = error;
    else if (error instanceof RangeError) starlarkError = new StarlarkError(`resource limit exceeded: ${error.message}`, { cause: error });
    else return error;
    starlarkError.setPosition(frame.position);
    starlarkError.setCallStack(this.callStack());
    return starlarkError;
  }
}
