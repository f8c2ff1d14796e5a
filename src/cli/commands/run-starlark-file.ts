import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodeV8 from 'node:v8';
import { execFile, StarlarkError } from '../../starlark/index.js';
import { formatDiagnostic } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';
import { ExitCode } from '../exit-codes.js';

export interface StarlarkOptions {
  readonly maxSteps?: number;
  readonly maxValueLength?: number;
  readonly traceback?: boolean;
}

/**
 * What `whaleflow starlark FILE` does once its arguments are parsed: shared by the command
 * (commander) and by the launcher's start-up path for it (starlark-fast-path.ts), so both
 * print, fail and exit alike. `print` goes to stdout; any error is one `file:line:col: message`
 * line on stderr and exit status 1, set on the context.
 */
export function runStarlarkFile(context: CliContext, file: string, options: StarlarkOptions): void {
  let source: string;
  try {
    // Synchronous: the command does nothing else meanwhile, and fs/promises' file handles cost
    // a start more than the read itself.
    source = readFileSync(path.resolve(context.cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    context.stderr(`${file}: cannot read file: ${reason}\n`);
    context.exitCode = ExitCode.failure;
    return;
  }
  // A large source builds a large syntax tree before the first step: tuned before it is parsed.
  if (source.length >= LARGE_SOURCE_CHARS) tuneV8ForOneShotProgram();
  try {
    execFile({
      filename: file,
      source,
      maxSteps: options.maxSteps,
      maxValueLength: options.maxValueLength,
      print: (message) => context.stdout(`${message}\n`),
      onRunning: tuneV8ForOneShotProgram,
    });
    context.exitCode = ExitCode.ok;
  } catch (error) {
    if (!(error instanceof StarlarkError)) throw error;
    context.stderr(`${describeError(error, options.traceback === true)}\n`);
    context.exitCode = ExitCode.failure;
  }
}

const LARGE_SOURCE_CHARS = 64 * 1024;

let v8Tuned = false;

/**
 * Tunes V8 for a process that runs one Starlark program and exits; set only in this command,
 * whose process runs nothing else (V8 reads both flags at each decision, so setting them now
 * still counts). Done once the program has run 1,024 steps (or before a large source is
 * parsed), not at every start: before then V8 has made neither decision the flags are about,
 * and loading node:v8 (it loads Node's stream modules) costs an empty program ~8 M
 * instructions, a tenth of Node's own start.
 *
 * - The program's values mostly live until it ends, so V8's habit of growing the young
 *   generation (to 16 MiB per semi-space) buys few saved scavenges for ~16-30 MiB of peak RSS
 *   on a workflow-sized program (issue #15 asks for at most 70 MiB).
 * - A short run pays for optimizing compilation up front: TurboFan inlining makes each compile
 *   of the interpreter's hot closures large, and on two cores those background compiles compete
 *   with the program itself. Without inlining, bench/workflow-5000.star uses ~25% less CPU in
 *   total and no more on the main thread (see bench/starlark.bench.js).
 */
function tuneV8ForOneShotProgram(): void {
  if (v8Tuned) return;
  v8Tuned = true;
  const v8 = createRequire(import.meta.url)('node:v8') as typeof NodeV8;
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--no-turbo-inlining');
}

function describeError(error: StarlarkError, traceback: boolean): string {
  if (error.diagnostics.length > 1) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)).join('\n');
  return traceback ? error.formatWithStack() : error.message;
}
