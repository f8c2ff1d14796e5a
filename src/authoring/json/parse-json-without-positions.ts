import { MAX_NESTING } from '../limits.js';

/**
 * Reads a JSON document with JSON.parse — many times faster than the position-recording reader,
 * and allocating nothing per value beyond the value itself — when that gives exactly what the
 * strict reader would: no key repeated in an object (JSON.parse silently keeps the last) and
 * no nesting deeper than MAX_NESTING. Returns undefined for anything else (a syntax error, a
 * duplicate key, too deep), so the caller reads it again with positions and reports where.
 */
export function parseJsonWithoutPositions(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const written = countKeysInText(text);
  if (written.deepest > MAX_NESTING) return undefined;
  // A repeated key collapses into one property, so the parsed value then has fewer keys than the text.
  return countKeysInValue(value) === written.keys ? { value } : undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Object keys written in `text` (valid JSON: JSON.parse accepted it) and the deepest nesting. */
function countKeysInText(text: string): { keys: number; deepest: number } {
  let keys = 0;
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = endOfString(text, index);
      let next = index + 1;
      while (isWhitespace(text.charCodeAt(next))) next += 1;
      if (text.charCodeAt(next) === COLON) keys += 1;
      index = next - 1;
    } else if (code === 0x7b || code === 0x5b) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x7d || code === 0x5d) {
      depth -= 1;
    }
  }
  return { keys, deepest };
}

/** The index of the quote that closes the string opened at `open`. */
function endOfString(text: string, open: number): number {
  let close = text.indexOf('"', open + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return close;
    close = text.indexOf('"', close + 1);
  }
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Own keys of every object in a parsed value (its depth is at most MAX_NESTING). */
function countKeysInValue(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let keys = 0;
  if (Array.isArray(value)) {
    for (const item of value) keys += countKeysInValue(item);
    return keys;
  }
  for (const key in value) {
    keys += 1 + countKeysInValue((value as Record<string, unknown>)[key]);
  }
  return keys;
}
