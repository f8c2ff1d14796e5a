/** Result of scanning a numeric literal at some offset. */
export type ScannedNumber =
  | { readonly kind: 'INT'; readonly value: number | bigint; readonly end: number }
  | { readonly kind: 'FLOAT'; readonly value: number; readonly end: number }
  | { readonly error: string };

const PREFIXED = /0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)/y;
const DECIMAL_OR_FLOAT = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;

/**
 * Scans an int (decimal, 0x, 0o, 0b) or float literal. A decimal int with a leading zero is an
 * error (as in Python 3), and so is a float too large to be finite.
 */
export function scanNumber(source: string, start: number): ScannedNumber {
  PREFIXED.lastIndex = start;
  const prefixed = PREFIXED.exec(source);
  if (prefixed) return { kind: 'INT', value: normalise(BigInt(prefixed[0])), end: start + prefixed[0].length };
  if (/^0[xXoObB]/.test(source.slice(start, start + 2))) return { error: `invalid int literal ${source.slice(start, start + 3)}` };
  DECIMAL_OR_FLOAT.lastIndex = start;
  const match = DECIMAL_OR_FLOAT.exec(source);
  if (!match) return { error: 'invalid number literal' };
  const text = match[0];
  const end = start + text.length;
  if (text.includes('.') || match[2] !== undefined) {
    const value = Number(text);
    if (!Number.isFinite(value)) return { error: `floating-point literal ${text} is too large` };
    return { kind: 'FLOAT', value, end };
  }
  if (text.length > 1 && text.startsWith('0')) {
    if (/^0+$/.test(text)) return { kind: 'INT', value: 0, end };
    return { error: `invalid int literal ${text}: leading zeros are not allowed (use 0o for octal)` };
  }
  return { kind: 'INT', value: normalise(BigInt(text)), end };
}

function normalise(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
