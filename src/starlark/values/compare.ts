import { runtimeError } from '../errors.js';
import type { StarlarkValue } from './value.js';
import { Int } from './int.js';
import { Float, compareFloats } from './float.js';
import { Str } from './str.js';

const MAX_DEPTH = 1000;

/** Starlark `==`: same type and equal, or int/float with the same mathematical value. */
export function valuesEqual(left: StarlarkValue, right: StarlarkValue, depth = 0): boolean {
  if (left === right) return true;
  if (left.constructor === Str && right.constructor === Str) return (left as Str).value === (right as Str).value;
  if (depth > MAX_DEPTH) throw runtimeError('maximum recursion depth exceeded in comparison');
  const leftType = left.type;
  if (leftType === right.type) return left.equalsSameType(right, depth);
  if (isNumber(left) && isNumber(right)) return compareNumbers(left, right) === 0;
  return false;
}

/** Ordered comparison; throws for values of different or unordered types. */
export function compareValues(left: StarlarkValue, right: StarlarkValue, depth = 0): number {
  const quick = compareScalars(left, right);
  if (quick !== undefined) return quick;
  if (depth > MAX_DEPTH) throw runtimeError('maximum recursion depth exceeded in comparison');
  if (left.type === right.type) {
    const result = left.compareSameType(right, depth);
    if (result !== undefined) return result;
  } else if (isNumber(left) && isNumber(right)) {
    return compareNumbers(left, right);
  }
  throw runtimeError(`unsupported comparison: ${left.type} <=> ${right.type}`);
}

/**
 * The order of two strings or two ints without the generic dispatch (the type getters and a
 * virtual compare), which dominated sorting by a key; undefined for every other pair. Ints
 * keep safe integers as numbers, so equal ints are never a number and a bigint.
 */
export function compareScalars(left: StarlarkValue, right: StarlarkValue): number | undefined {
  const type = left.constructor;
  if (type !== right.constructor) return undefined;
  if (type === Str) {
    const a = (left as Str).value;
    const b = (right as Str).value;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  if (type === Int) {
    const a = (left as Int).value;
    const b = (right as Int).value;
    return a === b ? 0 : a < b ? -1 : 1;
  }
  return undefined;
}

function isNumber(value: StarlarkValue): value is Int | Float {
  return value instanceof Int || value instanceof Float;
}

/** Exact comparison of an int with a float, even beyond 2^53. */
function compareNumbers(left: Int | Float, right: Int | Float): number {
  if (left instanceof Float && right instanceof Float) return compareFloats(left.value, right.value);
  if (left instanceof Int && right instanceof Int) return left.compareSameType(right);
  if (left instanceof Int) return -compareFloatWithInt((right as Float).value, left);
  return compareFloatWithInt(left.value, right as Int);
}

function compareFloatWithInt(float: number, integer: Int): number {
  if (Number.isNaN(float)) return 1;
  if (float === Infinity) return 1;
  if (float === -Infinity) return -1;
  if (typeof integer.value === 'number') return compareFloats(float, integer.value);
  const truncated = BigInt(Math.trunc(float));
  if (truncated !== integer.value) return truncated < integer.value ? -1 : 1;
  const fraction = float - Math.trunc(float);
  return fraction > 0 ? 1 : fraction < 0 ? -1 : 0;
}
