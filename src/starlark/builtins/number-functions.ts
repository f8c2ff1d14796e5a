import { runtimeError } from '../errors.js';
import { Bool } from '../values/bool.js';
import { Builtin } from '../values/builtin.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { MAX_INT_BITS, checkIntSize, intToFloat } from '../values/int-arithmetic.js';
import { Str } from '../values/str.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import { unpackArgs } from './unpack-args.js';

const PREFIX_BASES: Readonly<Record<string, number>> = { x: 16, o: 8, b: 2 };

/** Parses an int literal per the spec's `int(x, base)` rules; undefined when invalid. */
export function parseIntLiteral(text: string, base: number): bigint | undefined {
  let digits = text;
  let negative = false;
  if (digits.startsWith('+') || digits.startsWith('-')) {
    negative = digits.startsWith('-');
    digits = digits.slice(1);
  }
  const prefix = /^0[xXoObB]/.test(digits) ? PREFIX_BASES[digits[1].toLowerCase()] : undefined;
  let effectiveBase = base;
  if (base === 0) {
    if (prefix !== undefined) {
      effectiveBase = prefix;
      digits = digits.slice(2);
    } else {
      if (digits.length > 1 && digits.startsWith('0') && /[^0]/.test(digits)) return undefined;
      effectiveBase = 10;
    }
  } else if (prefix === base) {
    digits = digits.slice(2);
  }
  if (digits.length === 0) return undefined;
  // Each digit adds log2(base) bits: refuse before parsing what would pass the int size limit.
  if (digits.length * Math.log2(effectiveBase) > MAX_INT_BITS + 8) checkIntSize(1n << BigInt(MAX_INT_BITS), 'int');
  let value = 0n;
  const radix = BigInt(effectiveBase);
  for (const character of digits.toLowerCase()) {
    const digit = parseInt(character, 36);
    if (Number.isNaN(digit) || digit >= effectiveBase) return undefined;
    value = value * radix + BigInt(digit);
  }
  return negative ? -value : value;
}

const FLOAT_LITERAL = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/;
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;

function intOf(x: Value, baseValue: Value | undefined): Int {
  if (baseValue !== undefined && !(x instanceof Str)) throw runtimeError("can't convert non-string with explicit base");
  if (x instanceof Int) return x;
  if (x instanceof Bool) return Int.of(x.value ? 1 : 0);
  if (x instanceof Float) {
    if (!Number.isFinite(x.value)) throw runtimeError(`cannot convert float ${describeValue(x)} to integer`);
    return Int.of(BigInt(Math.trunc(x.value)));
  }
  if (x instanceof Str) {
    let base = 10;
    if (baseValue !== undefined) {
      if (!(baseValue instanceof Int)) throw runtimeError(`for parameter base: got value of type '${baseValue.type}', want int`);
      base = Number(baseValue.value);
      if (base !== 0 && (base < 2 || base > 36)) throw runtimeError('base must be an integer >= 2 && <= 36 (or 0)');
    }
    const parsed = parseIntLiteral(x.value, base);
    if (parsed === undefined) throw runtimeError(`invalid literal for int() with base ${base}: ${describeValue(x)}`);
    return Int.of(parsed);
  }
  throw runtimeError(`got value of type '${x.type}', want string, int, float or bool (cannot convert ${x.type} to int)`);
}

function floatOf(x: Value): Float {
  if (x instanceof Float) return x;
  if (x instanceof Int) return Float.of(intToFloat(x));
  if (x instanceof Bool) return Float.of(x.value ? 1 : 0);
  if (x instanceof Str) {
    const text = x.value;
    if (NON_FINITE.test(text)) {
      const negative = text.startsWith('-');
      const magnitude = /nan/i.test(text) ? NaN : Infinity;
      return Float.of(negative ? -magnitude : magnitude);
    }
    if (!FLOAT_LITERAL.test(text)) throw runtimeError(`invalid float literal: ${x.repr()}`);
    const value = Number(text);
    if (!Number.isFinite(value)) throw runtimeError(`floating-point number too large: ${text}`);
    return Float.of(value);
  }
  throw runtimeError(`got value of type '${x.type}', want string, int, float or bool (cannot convert ${x.type} to float)`);
}

/** `int` and `float`. */
export const numberFunctions: readonly Builtin[] = [
  new Builtin('int', (call) => {
    const [x, base] = unpackArgs(call, ['x?', 'base?']);
    return x === undefined ? Int.of(0) : intOf(x, base);
  }),
  new Builtin('float', (call) => {
    const [x] = unpackArgs(call, ['x?']);
    return x === undefined ? Float.of(0) : floatOf(x);
  }),
];
