// The worker thread behind searchLines: compiles the pattern with the linear-time engine and
// searches the sources one after another. It may be terminated at any moment (cancel,
// deadline); it holds nothing that needs cleaning up.
import { readFileSync, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { compileLinearRegex } from './linear-regex.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_LINE_CHARS, type LineMatch, type LineSearchOutcome, type LineSearchRequest } from './line-search.js';
import { describeError } from '../describe-error.js';

export type SearchLinesReply = { readonly type: 'done'; readonly outcome: LineSearchOutcome } | { readonly type: 'failed'; readonly message: string; readonly invalidPattern: boolean };

function search(request: LineSearchRequest): LineSearchOutcome {
  const regex = compileLinearRegex(request.pattern, { ignoreCase: request.ignoreCase });
  const maxLineChars = request.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const maxFileBytes = request.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const matches: LineMatch[] = [];
  let skipped = 0;
  for (const source of request.sources) {
    const text = 'text' in source ? source.text : readText(source.file, maxFileBytes);
    if (text === undefined || text.includes('\u0000')) {
      skipped += 1;
      continue;
    }
    let line = 0;
    for (let start = 0; start <= text.length; ) {
      const end = nextLineEnd(text, start);
      line += 1;
      const content = text.slice(start, end);
      if (regex.test(content)) {
        if (matches.length >= request.maxMatches) return { matches, truncated: true, skipped };
        matches.push({ source: source.name, line, text: content.slice(0, maxLineChars) });
      }
      if (end >= text.length) break;
      start = end + 1;
    }
  }
  return { matches, truncated: false, skipped };
}

function nextLineEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline === -1 ? text.length : newline;
}

function readText(file: string, maxFileBytes: number): string | undefined {
  try {
    if (statSync(file).size > maxFileBytes) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

try {
  parentPort!.postMessage({ type: 'done', outcome: search(workerData as LineSearchRequest) } satisfies SearchLinesReply);
} catch (error) {
  const message = describeError(error);
  parentPort!.postMessage({ type: 'failed', message, invalidPattern: error instanceof Error && error.name === 'InvalidRegexError' } satisfies SearchLinesReply);
}
