import { Builtin, type BuiltinCall } from '../values/builtin.js';
import { valuesEqual } from '../values/compare.js';
import type { Value } from '../values/value.js';
import { universe } from '../builtins/universe.js';
import { Str } from '../values/str.js';
import { execFile } from '../eval/exec-file.js';
import { unpackPositional } from '../builtins/unpack-args.js';
import { StarlarkError } from '../errors.js';
import { formatPosition } from '../../util/index.js';

/** One independent program of a chunked `.star` test file. */
export interface StarChunk {
  /** 1-based line of the chunk's first line in the file. */
  readonly line: number;
  /** The chunk's text, preceded by blank lines so positions match the file. */
  readonly source: string;
  /** The expected error pattern, when the chunk must fail. */
  readonly expectedError: string | undefined;
  /** The 1-based file line of the `###` expectation, when it follows code on that line. */
  readonly expectedLine: number | undefined;
}

/** Which `### prefix: pattern` expectations apply; unprefixed ones always do. */
export type ExpectationDialect = 'java' | 'go' | 'rust';

/**
 * Splits a file at lines that are exactly `---` and reads each chunk's `###` expectation
 * (unprefixed, or prefixed with the given dialect; other dialects are ignored).
 */
export function splitChunks(text: string, dialect: ExpectationDialect = 'java'): StarChunk[] {
  const lines = text.split('\n');
  const chunks: StarChunk[] = [];
  let start = 0;
  const flush = (end: number): void => {
    const chunkLines = lines.slice(start, end);
    let expectedError: string | undefined;
    let expectedLine: number | undefined;
    chunkLines.forEach((line, offset) => {
      const match = /###\s*(?:(go|java|rust):)?\s*(.*)$/.exec(line);
      if (!match || (match[1] !== undefined && match[1] !== dialect)) return;
      expectedError = match[2].trim();
      // A `###` alone on its line (typical for go:/java: variants) names no particular line.
      expectedLine = line.slice(0, match.index).trim() === '' ? undefined : start + offset + 1;
    });
    chunks.push({ line: start + 1, source: '\n'.repeat(start) + chunkLines.join('\n'), expectedError, expectedLine });
  };
  lines.forEach((line, index) => {
    if (line.replace(/\r$/, '') === '---') {
      flush(index);
      start = index + 1;
    }
  });
  flush(lines.length);
  return chunks;
}

/** True when `message` contains `pattern` (case-insensitively) or matches it as a regex. */
export function matchesPattern(message: string, pattern: string): boolean {
  if (message.toLowerCase().includes(pattern.toLowerCase())) return true;
  try {
    return new RegExp(pattern, 'i').test(message);
  } catch {
    return false;
  }
}

function failWith(call: BuiltinCall, message: string): never {
  call.thread.call(universe.get('fail')!, [Str.of(message)]);
  throw new Error('fail() returned');
}

/** `assert_eq`, `assert_ne` and `assert_`: a mismatch calls `fail(...)`; `freeze(x)` freezes x and returns it. */
export const assertionBuiltins: Readonly<Record<string, Value>> = {
  assert_eq: new Builtin('assert_eq', (call) => {
    const [actual, expected, message] = unpackPositional(call, 2, 3);
    if (!valuesEqual(actual, expected)) failWith(call, `${message ? `${message.str()}: ` : ''}${actual.repr()} != ${expected.repr()}`);
    return universe.get('None')!;
  }),
  assert_ne: new Builtin('assert_ne', (call) => {
    const [actual, unexpected, message] = unpackPositional(call, 2, 3);
    if (valuesEqual(actual, unexpected)) failWith(call, `${message ? `${message.str()}: ` : ''}${actual.repr()} == ${unexpected.repr()}`);
    return universe.get('None')!;
  }),
  freeze: new Builtin('freeze', (call) => {
    const [value] = unpackPositional(call, 1, 1);
    value.freeze();
    return value;
  }),
  assert_: new Builtin('assert_', (call) => {
    const [condition, message] = unpackPositional(call, 1, 2);
    if (!condition.truth()) failWith(call, message ? message.str() : 'assertion failed');
    return universe.get('None')!;
  }),
};

/**
 * The lines an expectation may sit on: the error's own line, the top-level statement that led
 * to it (a `### ` comment usually follows the call), and for static errors every diagnostic.
 * A `###` on the last line of a multi-line statement also counts.
 */
function errorLines(error: StarlarkError, source: string): number[] {
  const lines = [error.position!.line, ...error.diagnostics.map((diagnostic) => diagnostic.position?.line ?? 0)];
  const outermost = error.callStack[0]?.position.line ?? error.position!.line;
  return [...lines, ...statementLines(source.split('\n'), outermost)];
}

/** The lines a statement starting on `first` spans, by bracket balance (strings are ignored roughly). */
function statementLines(lines: readonly string[], first: number): number[] {
  const spanned = [first];
  let depth = 0;
  for (let line = first; line <= lines.length; line++) {
    const code = lines[line - 1].replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').replace(/#.*$/, '');
    for (const character of code) {
      if ('([{'.includes(character)) depth++;
      else if (')]}'.includes(character)) depth--;
    }
    if (line > first) spanned.push(line);
    if (depth <= 0) break;
  }
  return spanned;
}

/** The outcome of running a chunk against its expectation. */
export type ChunkOutcome = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** How strictly an expected error's text is checked. */
export interface ChunkOptions {
  readonly maxSteps?: number;
  /** Accept any positioned error on the expected line, whatever its wording (behaviour only). */
  readonly anyWording?: boolean;
}

/** Runs one chunk with the assertion builtins and checks it against its expectation. */
export function runChunk(filename: string, chunk: StarChunk, options: ChunkOptions = {}): ChunkOutcome {
  const maxSteps = options.maxSteps ?? 1_000_000;
  try {
    execFile({ filename, source: chunk.source, predeclared: assertionBuiltins, maxSteps });
  } catch (error) {
    if (!(error instanceof StarlarkError)) return { ok: false, problem: `non-Starlark error: ${String((error as Error)?.stack ?? error)}` };
    if (chunk.expectedError === undefined) return { ok: false, problem: `unexpected error: ${error.message}` };
    if (!error.position) return { ok: false, problem: `error without position: ${error.message}` };
    if (chunk.expectedLine !== undefined && !errorLines(error, chunk.source).includes(chunk.expectedLine)) {
      return { ok: false, problem: `error ${JSON.stringify(error.message)} is not on line ${chunk.expectedLine} of the ### expectation` };
    }
    if (options.anyWording || matchesPattern(error.message, chunk.expectedError)) return { ok: true };
    // A file with several static errors: the expectation may name any of them (on its line, when given).
    const expected = chunk.expectedError;
    const matching = error.diagnostics.some(
      (diagnostic) =>
        (chunk.expectedLine === undefined || diagnostic.position?.line === chunk.expectedLine) &&
        matchesPattern(`${diagnostic.position ? `${formatPosition(diagnostic.position)}: ` : ''}${diagnostic.message}`, expected),
    );
    if (matching) return { ok: true };
    return { ok: false, problem: `error ${JSON.stringify(error.message)} does not match ${JSON.stringify(chunk.expectedError)}` };
  }
  if (chunk.expectedError !== undefined) return { ok: false, problem: `expected an error matching ${JSON.stringify(chunk.expectedError)}, but the chunk succeeded` };
  return { ok: true };
}
