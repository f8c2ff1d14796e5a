import { MemoryOperationError, type LoadedContext, type MemoryOperationOutcome, type ResolvedMemoryOperation } from '../engine/index.js';
import { linesOf, sha256 } from './context-text.js';
import { diffLines } from './line-diff.js';
import { LinearPattern } from './linear-pattern.js';
import type { SqliteMemoryStore } from './sqlite-memory-store.js';

/** Limits that keep every result small enough for a prompt (the agent caps tool output at 20,000 characters). */
export const OPERATION_LIMITS = {
  outputChars: 16_000,
  peekLines: 400,
  lineChars: 1_000,
  searchResults: 50,
  maxSearchResults: 500,
  searchLineChars: 300,
  chunkChars: 16_000,
  minChunkChars: 1_000,
  chunkListing: 100,
  diffLines: 200,
  evidenceLines: 200,
} as const;

type ReadOperation = Exclude<ResolvedMemoryOperation, { op: 'sub_query' } | { op: 'write' }>;

/**
 * The read operations over stored texts. Each returns the text the model sees (numbered lines,
 * capped) and facts for telemetry; a request the text cannot satisfy (a line past the end, a bad
 * pattern) is a MemoryOperationError the model reads and can correct.
 */
export function performReadOperation(store: SqliteMemoryStore, operation: ReadOperation, maxChunkChars: number, signal: AbortSignal): MemoryOperationOutcome {
  switch (operation.op) {
    case 'peek':
      return peek(store, operation.context, operation.start_line, operation.end_line);
    case 'search':
      return search(store, operation.context, operation.pattern, operation.ignore_case ?? false, operation.max_results, signal);
    case 'chunk':
      return chunk(store, operation.context, operation.max_chars, operation.from, maxChunkChars, signal);
    case 'diff':
      return diff(store, operation.context, operation.other, operation.max_lines);
    case 'evidence':
      return evidence(store, operation.context, operation.start_line, operation.end_line, operation.note);
  }
}

/** Lines `first`..`last` (clamped to the text), read from the chunks that hold them. */
export function readLines(store: SqliteMemoryStore, context: LoadedContext, first: number, last: number): string[] {
  const lines: string[] = [];
  for (const chunk of store.chunksCovering(context.hash, first, last)) {
    const chunkLines = linesOf(chunk.text);
    const from = Math.max(first, chunk.firstLine) - chunk.firstLine;
    const to = Math.min(last, chunk.firstLine + chunk.lineCount - 1) - chunk.firstLine;
    for (let index = from; index <= to; index += 1) lines.push(chunkLines[index]!);
  }
  return lines;
}

function checkRange(context: LoadedContext, start: number, end: number | undefined, maxLines: number): { first: number; last: number; clipped: boolean } {
  if (!Number.isInteger(start) || start < 1) throw new MemoryOperationError('start_line must be an integer ≥ 1');
  if (end !== undefined && (!Number.isInteger(end) || end < start)) throw new MemoryOperationError('end_line must be an integer ≥ start_line');
  if (start > context.lines) throw new MemoryOperationError(`"${context.name}" has ${context.lines} lines; start_line ${start} is past the end`);
  const wanted = Math.min(end ?? start + maxLines - 1, context.lines);
  const last = Math.min(wanted, start + maxLines - 1);
  return { first: start, last, clipped: last < wanted };
}

function numbered(lines: readonly string[], first: number, lineChars: number): string {
  return lines.map((line, index) => `${first + index}\t${clip(line, lineChars)}`).join('\n');
}

function clip(line: string, chars: number): string {
  return line.length <= chars ? line : `${line.slice(0, chars)}… (${line.length - chars} more characters)`;
}

/** Caps the output at the limit on a line boundary, saying what was left out. */
function capOutput(text: string, note: (shownLines: number) => string): string {
  if (text.length <= OPERATION_LIMITS.outputChars) return text;
  const cut = text.lastIndexOf('\n', OPERATION_LIMITS.outputChars);
  const shown = text.slice(0, cut > 0 ? cut : OPERATION_LIMITS.outputChars);
  return `${shown}\n${note(shown.split('\n').length)}`;
}

function peek(store: SqliteMemoryStore, context: LoadedContext, start: number, end: number | undefined): MemoryOperationOutcome {
  const range = checkRange(context, start, end, OPERATION_LIMITS.peekLines);
  const lines = readLines(store, context, range.first, range.last);
  let output = capOutput(numbered(lines, range.first, OPERATION_LIMITS.lineChars), (shown) => `… (output capped; continue from line ${range.first + shown})`);
  if (range.clipped) output += `\n… (at most ${OPERATION_LIMITS.peekLines} lines per peek; continue from line ${range.last + 1})`;
  return { output, data: { op: 'peek', context: context.name, start_line: range.first, end_line: range.last, bytes: Buffer.byteLength(output) } };
}

function search(store: SqliteMemoryStore, context: LoadedContext, source: string, ignoreCase: boolean, maxResults: number | undefined, signal: AbortSignal): MemoryOperationOutcome {
  const limit = Math.min(Math.max(1, maxResults ?? OPERATION_LIMITS.searchResults), OPERATION_LIMITS.maxSearchResults);
  const pattern = new LinearPattern(source, ignoreCase);
  const matches: string[] = [];
  let truncated = false;
  for (const match of searchLines(store, context.hash, pattern, signal)) {
    if (matches.length === limit) {
      truncated = true;
      break;
    }
    matches.push(`${match.line}: ${clip(match.text, OPERATION_LIMITS.searchLineChars)}`);
  }
  let output = matches.length === 0 ? '(no matches)' : capOutput(matches.join('\n'), () => '… (output capped; narrow the pattern)');
  if (truncated) output += `\n… (stopped at ${limit} matches; narrow the pattern or raise max_results)`;
  return { output, data: { op: 'search', context: context.name, pattern: source, matches: matches.length, truncated, bytes: Buffer.byteLength(output) } };
}

/** The matching lines of a stored text, numbered from 1, chunk by chunk (a search stops reading when its caller stops). */
export function* searchLines(store: SqliteMemoryStore, hash: string, pattern: LinearPattern, signal?: AbortSignal): Generator<{ line: number; text: string }> {
  for (const chunk of store.chunks(hash)) {
    signal?.throwIfAborted();
    for (const match of pattern.matchingLines(chunk.text)) yield { line: chunk.firstLine + match.index, text: match.text };
  }
}

/** Ranges of whole lines of at most `maxChars` characters each (a longer line is a range of its own). */
export function chunkRanges(store: SqliteMemoryStore, context: LoadedContext, maxChars: number, signal: AbortSignal): { start: number; end: number; chars: number }[] {
  const ranges: { start: number; end: number; chars: number }[] = [];
  let start = 1;
  let chars = 0;
  let line = 0;
  for (const stored of store.chunks(context.hash)) {
    signal.throwIfAborted();
    for (const text of linesOf(stored.text)) {
      line += 1;
      const size = text.length + 1;
      if (chars > 0 && chars + size > maxChars) {
        ranges.push({ start, end: line - 1, chars });
        start = line;
        chars = 0;
      }
      chars += size;
    }
  }
  if (chars > 0) ranges.push({ start, end: line, chars });
  return ranges;
}

function chunk(store: SqliteMemoryStore, context: LoadedContext, maxChars: number | undefined, from: number | undefined, ceiling: number, signal: AbortSignal): MemoryOperationOutcome {
  const size = Math.min(Math.max(maxChars ?? OPERATION_LIMITS.chunkChars, OPERATION_LIMITS.minChunkChars), ceiling);
  const ranges = chunkRanges(store, context, size, signal);
  const first = Math.max(0, from ?? 0);
  if (first >= ranges.length && ranges.length > 0) throw new MemoryOperationError(`"${context.name}" has ${ranges.length} chunks of ${size} characters; from ${first} is past the end`);
  const shown = ranges.slice(first, first + OPERATION_LIMITS.chunkListing);
  const header = `${ranges.length} chunks of at most ${size} characters (each fits one sub_query):`;
  const rows = shown.map((range, index) => `#${first + index} lines ${range.start}-${range.end} (${range.chars} chars)`);
  const more = first + shown.length < ranges.length ? `\n… (${ranges.length - first - shown.length} more; list from ${first + shown.length})` : '';
  const output = `${header}\n${rows.join('\n')}${more}`;
  return { output, data: { op: 'chunk', context: context.name, chunks: ranges.length, max_chars: size, bytes: Buffer.byteLength(output) } };
}

function diff(store: SqliteMemoryStore, left: LoadedContext, right: LoadedContext, maxLines: number | undefined): MemoryOperationOutcome {
  const limit = Math.max(1, maxLines ?? OPERATION_LIMITS.diffLines);
  const facts = { op: 'diff', context: left.name, other: right.name };
  if (left.hash === right.hash) {
    const output = `"${left.name}" and "${right.name}" are identical (${left.lines} lines)`;
    return { output, data: { ...facts, hunks: 0, bytes: Buffer.byteLength(output) } };
  }
  const result = diffLines(linesOf(store.fullText(left.hash)), linesOf(store.fullText(right.hash)));
  if (result.kind === 'too_different') {
    const output = `too different to diff line by line: lines ${result.leftStart}-${result.leftEnd} of "${left.name}" differ from lines ${result.rightStart}-${result.rightEnd} of "${right.name}"; peek or search them instead`;
    return { output, data: { ...facts, hunks: null, bytes: Buffer.byteLength(output) } };
  }
  const out: string[] = [];
  for (const hunk of result.hunks) {
    out.push(`@@ ${left.name}:${hunk.leftStart} ${right.name}:${hunk.rightStart} @@`);
    for (const line of hunk.removed) out.push(`-${clip(line, OPERATION_LIMITS.searchLineChars)}`);
    for (const line of hunk.added) out.push(`+${clip(line, OPERATION_LIMITS.searchLineChars)}`);
  }
  const shown = out.slice(0, limit);
  const more = out.length > limit ? `\n… (${out.length - limit} more diff lines; raise max_lines or peek the ranges)` : '';
  const output = capOutput(shown.join('\n'), () => '… (output capped)') + more;
  return { output, data: { ...facts, hunks: result.hunks.length, bytes: Buffer.byteLength(output) } };
}

function evidence(store: SqliteMemoryStore, context: LoadedContext, start: number, end: number, note: string | undefined): MemoryOperationOutcome {
  const range = checkRange(context, start, end, OPERATION_LIMITS.evidenceLines);
  if (range.clipped) throw new MemoryOperationError(`cite at most ${OPERATION_LIMITS.evidenceLines} lines per evidence`);
  const lines = readLines(store, context, range.first, range.last);
  const cited = lines.join('\n');
  const output = `${context.name}:${range.first}-${range.last}${note ? ` (${note})` : ''}\n${capOutput(numbered(lines, range.first, OPERATION_LIMITS.lineChars), () => '… (output capped)')}`;
  return {
    output,
    data: { op: 'evidence', context: context.name, start_line: range.first, end_line: range.last, sha256: sha256(cited), ...(note ? { note } : {}), bytes: Buffer.byteLength(output) },
  };
}
