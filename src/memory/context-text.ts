import { createHash } from 'node:crypto';

/** One stored piece of a text: whole lines, `first_line` 1-based. */
export interface TextChunk {
  readonly seq: number;
  readonly firstLine: number;
  readonly lineCount: number;
  readonly text: string;
}

export interface SplitText {
  readonly hash: string;
  readonly bytes: number;
  readonly lines: number;
  readonly chunks: readonly TextChunk[];
}

/** About 1 MiB per stored chunk: a peek reads one or two, a search streams them. */
export const STORED_CHUNK_CHARS = 1 << 20;

/**
 * Splits a text into line-aligned chunks of about `chunkChars` (a longer line is kept whole)
 * and counts its lines: a final newline ends the last line rather than starting an empty one.
 */
export function splitText(text: string, chunkChars = STORED_CHUNK_CHARS): SplitText {
  const chunks: TextChunk[] = [];
  let start = 0;
  let line = 1;
  while (start < text.length) {
    let end = Math.min(text.length, start + chunkChars);
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end - 1);
      end = newline >= start ? newline + 1 : nextLineEnd(text, end);
    }
    const piece = text.slice(start, end);
    const lineCount = countLines(piece);
    chunks.push({ seq: chunks.length, firstLine: line, lineCount, text: piece });
    line += lineCount;
    start = end;
  }
  return { hash: sha256(text), bytes: Buffer.byteLength(text), lines: line - 1, chunks };
}

function nextLineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline + 1;
}

/** Lines in a piece of text; a trailing newline does not start another line. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return text.endsWith('\n') ? count : count + 1;
}

/** The lines of a chunk, without their newlines. */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
