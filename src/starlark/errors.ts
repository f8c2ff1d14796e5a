import type { Diagnostic, SourcePosition } from '../util/index.js';
import { WhaleflowError, formatPosition } from '../util/index.js';

/** What went wrong, coarsely: lets a host react without parsing messages. */
export type StarlarkErrorKind = 'syntax' | 'resolve' | 'runtime' | 'step-budget' | 'size-limit' | 'cancelled' | 'load';

/** One active Starlark call when a runtime error happened, outermost first. */
export interface StarlarkCallFrame {
  /** `<toplevel>` for module code, otherwise the function name. */
  readonly name: string;
  /** Where that frame was executing: the call site for outer frames, the failing node for the innermost. */
  readonly position: SourcePosition;
}

/**
 * Every error the interpreter raises. `message` is `file:line:col: reason` once a position is
 * known; `reason` is the bare text. Static errors carry every finding in `diagnostics`.
 */
export class StarlarkError extends WhaleflowError {
  override readonly name = 'StarlarkError';
  readonly kind: StarlarkErrorKind;
  /** The bare message, without position. */
  readonly reason: string;
  private currentPosition: SourcePosition | undefined;
  private frames: readonly StarlarkCallFrame[] = [];
  readonly diagnostics: readonly Diagnostic[];

  constructor(
    reason: string,
    options: {
      kind?: StarlarkErrorKind;
      position?: SourcePosition;
      diagnostics?: readonly Diagnostic[];
      cause?: unknown;
    } = {},
  ) {
    super(reason, { cause: options.cause });
    this.kind = options.kind ?? 'runtime';
    this.reason = reason;
    this.diagnostics = options.diagnostics ?? [];
    if (options.position) this.setPosition(options.position);
  }

  get position(): SourcePosition | undefined {
    return this.currentPosition;
  }

  /** The Starlark call stack at the failure, outermost first (empty for static errors). */
  get callStack(): readonly StarlarkCallFrame[] {
    return this.frames;
  }

  /** Records where the error happened; the first position wins, as it is the innermost. */
  setPosition(position: SourcePosition): void {
    if (this.currentPosition) return;
    this.currentPosition = position;
    this.message = `${formatPosition(position)}: ${this.reason}`;
  }

  /** Records the call stack once, at the innermost frame that sees the error. */
  setCallStack(frames: readonly StarlarkCallFrame[]): void {
    if (this.frames.length === 0) this.frames = frames;
  }

  /** `file:line:col: reason` followed by the call stack (innermost last), for terminals. */
  formatWithStack(): string {
    const lines = [this.message];
    if (this.frames.length > 1) {
      lines.push('Traceback (most recent call last):');
      for (const frame of this.frames) lines.push(`  ${formatPosition(frame.position)}: in ${frame.name}`);
    }
    return lines.join('\n');
  }
}

/** Shorthand for a runtime error whose position is filled in by the evaluator. */
export function runtimeError(reason: string): StarlarkError {
  return new StarlarkError(reason);
}
