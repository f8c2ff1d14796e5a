import { MAX_INT_BITS } from '../values/int-arithmetic.js';

/** Result of scanning a numeric literal at some offset. */
export type ScannedNumber =
  | { readonly kind: 'INT'; readonly value: number | bigint; readonly end: number }
  | { readonly kind: 'FLOAT'; readonly value: number; readonly end: number }
  | { readonly error: string };

const PREFIXED = /0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)/y;
const DECIMAL_OR_FLOAT = /(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/y;
const DANGLING_EXPONENT = /[eE][+-]?(?!\d)/y;
const PREFIX_NAMES: Readonly<Record<string, string>> = { x: 'hex', o: 'octal', b: 'binary' };

/**
 * Scans an int (decimal, 0x, 0o, 0b) or float literal. A decimal int with a leading zero is an
 * error (as in Python 3), and so is a float too large to be finite; the messages are the
 * reference implementation's.
 */
export function scanNumber(source: string, start: number): ScannedNumber {
  PREFIXED.lastIndex = start;
  const prefixed = PREFIXED.exec(source);
  if (prefixed) {
    const bitsPerDigit = { x: 4, o: 3, b: 1 }[prefixed[1][0].toLowerCase() as 'x' | 'o' | 'b'];
    if ((prefixed[0].length - 2) * bitsPerDigit > MAX_INT_BITS + 8) return { error: `invalid int literal (larger than ${MAX_INT_BITS} bits)` };
    return { kind: 'INT', value: normalise(BigInt(prefixed[0])), end: start + prefixed[0].length };
  }
  if (/^0[xXoObB]/.test(source.slice(start, start + 2))) return { error: `invalid ${PREFIX_NAMES[source[start + 1].toLowerCase()]} literal` };
  DECIMAL_OR_FLOAT.lastIndex = start;
  const match = DECIMAL_OR_FLOAT.exec(source);
  if (!match) return { error: 'invalid number literal' };
  const text = match[0];
  const end = start + text.length;
  DANGLING_EXPONENT.lastIndex = end;
  if (match[2] === undefined && DANGLING_EXPONENT.test(source)) return { error: 'invalid float literal (an exponent needs digits)' };
  if (text.includes('.') || match[2] !== undefined) {
    const value = Number(text);
    if (!Number.isFinite(value)) return { error: `invalid float literal (${text} is too large for a float)` };
    return { kind: 'FLOAT', value, end };
  }
  if (text.length > 1 && text.startsWith('0')) {
    if (/^0+$/.test(text)) return { kind: 'INT', value: 0, end };
    if (/^[0-7]+$/.test(text)) return { error: `obsolete form of octal literal; use 0o${text.replace(/^0+/, '')}` };
    return { error: `invalid int literal (leading zeros are not allowed: ${text})` };
  }
  if (text.length * Math.log2(10) > MAX_INT_BITS + 8) return { error: `invalid int literal (larger than ${MAX_INT_BITS} bits)` };
  return { kind: 'INT', value: normalise(BigInt(text)), end };
}

function normalise(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
