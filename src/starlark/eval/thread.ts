import type { SourcePosition } from '../../util/index.js';
import { StarlarkError, type StarlarkCallFrame } from '../errors.js';
import type { FunctionCode, KeywordArguments } from '../values/function.js';
import { Int } from '../values/int.js';
import { ReprLimitExceeded, type Value } from '../values/value.js';
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
  /** The largest len() a string, bytes, list, tuple, dict or set may reach; see DEFAULT_MAX_VALUE_LENGTH. */
  readonly maxValueLength?: number;
  readonly signal?: AbortSignal;
  /**
   * Called once, when the program has taken 1,024 steps (the first checkpoint): a host that
   * tunes the engine for a running program (`whaleflow starlark` sets V8 flags) spends nothing
   * on a program that is over before then.
   */
  readonly onRunning?: () => void;
}

/** Default step budget: generous for real programs, small enough to stop runaway loops quickly. */
export const DEFAULT_MAX_STEPS = 10_000_000;

/**
 * Default size limit: 4 Mi (4,194,304) characters for a string (more than any model's context
 * window), bytes for a bytes, elements for a list, tuple, dict or set.
 */
export const DEFAULT_MAX_VALUE_LENGTH = 4 * 1024 * 1024;

/** Bulk operations charge one step per this many characters, bytes or elements they produce. */
const UNITS_PER_STEP = 16;

/** What a size check is about, for the message: `a string of N characters`. */
export type SizedShape = 'string' | 'bytes' | 'list' | 'tuple' | 'dict' | 'set';

const NAMES: Readonly<Record<SizedShape, string>> = {
  string: 'a string', bytes: 'a bytes value', list: 'a list', tuple: 'a tuple', dict: 'a dict', set: 'a set',
};

const UNITS: Readonly<Record<SizedShape, string>> = {
  string: 'characters', bytes: 'bytes', list: 'elements', tuple: 'elements', dict: 'entries', set: 'elements',
};

/**
 * The state of one execution: the call stack, the step budget and cancellation. Builtins get
 * it through BuiltinCall.thread, e.g. to call back into Starlark with `thread.call`.
 */
export class Thread {
  readonly print: (message: string) => void;
  readonly maxSteps: number;
  readonly maxValueLength: number;
  readonly signal: AbortSignal | undefined;
  private stepCount = 0;
  private onRunning: (() => void) | undefined;
  private readonly frames: ActiveFrame[] = [];
  private readonly activeFunctions = new Set<FunctionCode>();

  constructor(options: ThreadOptions = {}) {
    this.print = options.print ?? (() => {});
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxValueLength = options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH;
    this.signal = options.signal;
    this.onRunning = options.onRunning;
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
    if ((this.stepCount & 1023) === 0) this.checkpoint();
  }

  /** Every 1,024 steps: cancellation, and the host's one onRunning call. */
  private checkpoint(): void {
    this.checkCancelled();
    const onRunning = this.onRunning;
    if (onRunning === undefined) return;
    this.onRunning = undefined;
    onRunning();
  }

  /** Counts `count` steps at once, for builtins whose work is proportional to a size. */
  charge(count: number): void {
    this.stepCount += Math.max(0, count - 1);
    this.step();
  }

  /**
   * Fails before `operation` builds a value of `length` units when that is over maxValueLength,
   * so a runaway program stops at its first oversized value instead of exhausting memory.
   */
  checkLength(length: number, shape: SizedShape, operation: string): void {
    if (length > this.maxValueLength) throw this.sizeLimitError(length, shape, operation);
  }

  /** Charges the steps of producing `length` units at once (one step per 16). */
  chargeBulk(length: number): void {
    if (length >= UNITS_PER_STEP) this.charge(Math.floor(length / UNITS_PER_STEP));
  }

  /** `str(value)` within maxValueLength, charged by its length. */
  strOf(value: Value, operation: string): string {
    // A safe int's digits need no bounded writer (and str(i) is common: ids, labels).
    if (value.constructor === Int && typeof (value as Int).value === 'number') {
      const digits = String((value as Int).value);
      if (digits.length <= this.maxValueLength) return this.charged(digits, operation);
    }
    let text: string;
    try {
      text = value.str(this.maxValueLength);
    } catch (error) {
      throw this.reprLimitError(error, operation);
    }
    return this.charged(text, operation);
  }

  /** `repr(value)` within maxValueLength, charged by its length. */
  reprOf(value: Value, operation: string): string {
    let text: string;
    try {
      text = value.repr(this.maxValueLength);
    } catch (error) {
      throw this.reprLimitError(error, operation);
    }
    return this.charged(text, operation);
  }

  private reprLimitError(error: unknown, operation: string): unknown {
    return error instanceof ReprLimitExceeded ? this.sizeLimitError(undefined, 'string', operation) : error;
  }

  private charged(text: string, operation: string): string {
    this.checkLength(text.length, 'string', operation);
    this.chargeBulk(text.length);
    return text;
  }

  /** `size limit exceeded: '*' would build a string of 20000000 characters, more than maxValueLength (4194304); ...` */
  private sizeLimitError(length: number | undefined, shape: SizedShape, operation: string): StarlarkError {
    const size =
      length === undefined
        ? `more than ${this.maxValueLength} ${UNITS[shape]} (maxValueLength)`
        : `${length} ${UNITS[shape]}, more than maxValueLength (${this.maxValueLength})`;
    return new StarlarkError(`size limit exceeded: ${operation} would build ${NAMES[shape]} of ${size}; raise it if the program is legitimate`, {
      kind: 'size-limit',
    });
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
      if (this.activeFunctions.has(code)) throw this.recursionError(code.name);
      this.activeFunctions.add(code);
    }
    this.frames.push(frame);
  }

  leave(code: FunctionCode | undefined): void {
    this.frames.pop();
    if (code) this.activeFunctions.delete(code);
  }

  /** Frame bookkeeping for functions that check recursion themselves (compiled Starlark functions). */
  pushFrame(frame: ActiveFrame): void {
    this.frames.push(frame);
  }

  popFrame(): void {
    this.frames.pop();
  }

  recursionError(name: string): StarlarkError {
    return new StarlarkError(`function ${name} called recursively (recursion is not allowed in Starlark)`);
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
