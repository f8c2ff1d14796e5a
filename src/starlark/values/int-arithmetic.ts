import { StarlarkError, runtimeError } from '../errors.js';
import { Int } from './int.js';

/** Int arithmetic: a JS-number fast path while results stay safe integers, BigInt otherwise. */

/**
 * The largest int magnitude: 65,536 bits (about 19,700 decimal digits). Multiplication and
 * shifts can double an int's size in one step, and big-int work grows faster than linearly, so
 * ints are bounded like strings and lists are (Python bounds int/str conversions similarly).
 */
export const MAX_INT_BITS = 65_536;
const INT_LIMIT = 1n << BigInt(MAX_INT_BITS);

/** Fails when a big-int result would pass MAX_INT_BITS. */
export function checkIntSize(value: bigint, operation: string): bigint {
  if (value >= INT_LIMIT || value <= -INT_LIMIT) {
    throw new StarlarkError(`size limit exceeded: ${operation} would build an int of more than ${MAX_INT_BITS} bits (the int size limit)`, {
      kind: 'size-limit',
    });
  }
  return value;
}

export function addInts(left: Int, right: Int): Int {
  const a = left.value;
  const b = right.value;
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return Int.of(sum);
  }
  return Int.of(checkIntSize(left.bigint() + right.bigint(), "'+'"));
}

export function subtractInts(left: Int, right: Int): Int {
  const a = left.value;
  const b = right.value;
  if (typeof a === 'number' && typeof b === 'number') {
    const difference = a - b;
    if (Number.isSafeInteger(difference)) return Int.of(difference);
  }
  return Int.of(checkIntSize(left.bigint() - right.bigint(), "'-'"));
}

export function multiplyInts(left: Int, right: Int): Int {
  const a = left.value;
  const b = right.value;
  if (typeof a === 'number' && typeof b === 'number') {
    const product = a * b;
    if (Number.isSafeInteger(product)) return Int.of(product);
  }
  return Int.of(checkProduct(left.bigint(), right.bigint()));
}

/** Checks the operands' sizes first, so an oversized product is never computed. */
function checkProduct(left: bigint, right: bigint): bigint {
  const bits = (value: bigint): number => (value < 0n ? -value : value).toString(16).length * 4;
  if (bits(left) + bits(right) > MAX_INT_BITS + 8) checkIntSize(INT_LIMIT, "'*'");
  return checkIntSize(left * right, "'*'");
}

/** Floored division and remainder, as Starlark (and Python) define them. */
export function divModInts(left: Int, right: Int, operator: '//' | '%'): Int {
  if (right.value === 0) throw runtimeError(operator === '//' ? 'integer division by zero' : 'integer modulo by zero');
  const a = left.value;
  const b = right.value;
  if (typeof a === 'number' && typeof b === 'number') {
    let remainder = a % b;
    let quotient = (a - remainder) / b;
    if (remainder !== 0 && remainder < 0 !== b < 0) {
      quotient -= 1;
      remainder += b;
    }
    return Int.of(operator === '//' ? quotient : remainder + 0);
  }
  const x = left.bigint();
  const y = right.bigint();
  let quotient = x / y;
  let remainder = x % y;
  if (remainder !== 0n && remainder < 0n !== y < 0n) {
    quotient -= 1n;
    remainder += y;
  }
  return Int.of(operator === '//' ? quotient : remainder);
}

export function negateInt(value: Int): Int {
  return typeof value.value === 'number' ? Int.of(-value.value + 0) : Int.of(-value.value);
}

export function bitwiseInts(left: Int, right: Int, operator: '&' | '|' | '^'): Int {
  const a = left.value;
  const b = right.value;
  if (typeof a === 'number' && typeof b === 'number' && isInt32(a) && isInt32(b)) {
    return Int.of(operator === '&' ? a & b : operator === '|' ? a | b : a ^ b);
  }
  const x = left.bigint();
  const y = right.bigint();
  return Int.of(operator === '&' ? x & y : operator === '|' ? x | y : x ^ y);
}

const MAX_SHIFT = 512;

export function shiftInts(left: Int, right: Int, operator: '<<' | '>>'): Int {
  const count = right.bigint();
  if (count < 0n) throw runtimeError(`negative shift count: ${count}`);
  if (operator === '<<' && count >= BigInt(MAX_SHIFT)) throw runtimeError(`shift count too large: ${count}`);
  if (operator === '>>' && count >= BigInt(MAX_SHIFT) * 4n) return Int.of(left.bigint() < 0n ? -1 : 0);
  return Int.of(operator === '<<' ? checkIntSize(left.bigint() << count, "'<<'") : left.bigint() >> count);
}

export function invertInt(value: Int): Int {
  return typeof value.value === 'number' ? Int.of(-value.value - 1) : Int.of(~value.value);
}

/** The int as a float, failing when it is too large to be finite. */
export function intToFloat(value: Int): number {
  const number = Number(value.value);
  if (!Number.isFinite(number)) throw runtimeError('int too large to convert to float');
  return number;
}

/** The int as a JS number when it fits the given purpose (index, count), else an error. */
export function intToIndex(value: Int, what: string): number {
  if (typeof value.value === 'number') return value.value;
  throw runtimeError(`${what} out of range: ${value.value}`);
}

function isInt32(value: number): boolean {
  return (value | 0) === value;
}
