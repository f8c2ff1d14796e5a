import { StarlarkError } from '../errors.js';
import { universe } from '../builtins/universe.js';
import { resolveFile } from '../resolve/resolver.js';
import { parseFile } from '../syntax/parser.js';
import { Cell } from '../values/function.js';
import type { Value } from '../values/value.js';
import { StatementCompiler, type LoadModule } from './compile-statement.js';
import { Frame } from './frame.js';
import { Thread } from './thread.js';

export interface ExecFileOptions {
  /** Used in positions: `filename:line:col`. */
  readonly filename: string;
  readonly source: string;
  /** Host-provided names visible to the file (e.g. workflow builtins, a `ctx` struct). */
  readonly predeclared?: Readonly<Record<string, Value>>;
  /** Receives each `print(...)` line; discarded when absent. */
  readonly print?: (message: string) => void;
  /** Step budget (statements, loop iterations, calls); see DEFAULT_MAX_STEPS. */
  readonly maxSteps?: number;
  /** The largest len() any string, bytes, list, tuple, dict or set may reach; see DEFAULT_MAX_VALUE_LENGTH. */
  readonly maxValueLength?: number;
  readonly signal?: AbortSignal;
  /** Called once the program has taken 1,024 steps; see ThreadOptions.onRunning. */
  readonly onRunning?: () => void;
  /** Resolves `load("module", ...)`; without it load statements fail. */
  readonly load?: LoadModule;
}

export interface ExecFileResult {
  /** The module's global variables after execution, frozen, in definition order (loaded names excluded). */
  readonly globals: ReadonlyMap<string, Value>;
  /** Steps used, for budget tuning. */
  readonly steps: number;
}

/**
 * Parses, resolves and runs one Starlark file. Throws StarlarkError for every failure: syntax
 * (first error), resolve (all static errors in `diagnostics`), runtime (with `callStack`),
 * step budget and cancellation.
 */
export function execFile(options: ExecFileOptions): ExecFileResult {
  try {
    return execFileUnchecked(options);
  } catch (error) {
    // Recursive passes over pathological inputs (say, 100,000 chained `+`) can exhaust the JS stack.
    if (error instanceof RangeError) {
      throw new StarlarkError(`program too large or too deeply nested: ${error.message}`, {
        position: { file: options.filename, line: 1, column: 1 },
        cause: error,
      });
    }
    throw error;
  }
}

function execFileUnchecked(options: ExecFileOptions): ExecFileResult {
  const predeclared = new Map(Object.entries(options.predeclared ?? {}));
  const file = parseFile(options.filename, options.source);
  const module = resolveFile(file, {
    isPredeclared: (name) => predeclared.has(name),
    isUniversal: (name) => universe.has(name),
    knownNames: () => [...predeclared.keys(), ...universe.keys()],
  });
  const compiler = new StatementCompiler({ predeclared, universe });
  compiler.loadModule = options.load;
  const body = compiler.block(file.statements);
  const thread = new Thread({ print: options.print, maxSteps: options.maxSteps, maxValueLength: options.maxValueLength, signal: options.signal, onRunning: options.onRunning });
  thread.checkCancelled();
  const globals = new Array<Value | undefined>(module.globals.length);
  const toplevel = module.toplevel;
  const locals = new Array<Value | Cell | undefined>(toplevel.locals.length);
  for (const binding of toplevel.locals) if (binding.scope === 'cell') locals[binding.index] = new Cell(undefined);
  const frame = new Frame('<toplevel>', locals, [], globals, thread, { file: options.filename, line: 1, column: 1 });
  thread.enter(frame, undefined);
  try {
    body(frame);
  } catch (error) {
    throw thread.annotate(error, frame);
  } finally {
    thread.leave(undefined);
  }
  const result = new Map<string, Value>();
  for (const binding of module.globals) {
    const value = globals[binding.index];
    value?.freeze();
    if (value !== undefined && !module.loadedNames.has(binding.name)) result.set(binding.name, value);
  }
  return { globals: result, steps: thread.steps };
}

export { StarlarkError };
