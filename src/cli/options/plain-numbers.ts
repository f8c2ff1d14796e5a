/**
 * The checks behind the numeric option parsers (number-arguments.ts), without commander: the
 * launcher's start-up path for `whaleflow starlark` (starlark-fast-path.ts) reads its options
 * with them and leaves anything they refuse to the full command line, so both accept exactly
 * the same values and only commander words the error.
 */

/** A whole number ≥ 1, or undefined when `value` is anything else. */
export function parsePositiveInteger(value: string): number | undefined {
  const parsed = strictNumber(value);
  return Number.isSafeInteger(parsed) && parsed >= 1 ? parsed : undefined;
}

/** `Number('')` and `Number(' ')` are 0 and `Number('0x10')` is 16: only plain decimals count. */
export function strictNumber(value: string): number {
  return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
}
