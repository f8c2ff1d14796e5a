import { assertNever } from '../../util/index.js';
import { runtimeError } from '../errors.js';
import type { BinaryOperator } from '../syntax/ast.js';
import { Bool } from '../values/bool.js';
import { Bytes } from '../values/bytes.js';
import { compareValues, valuesEqual } from '../values/compare.js';
import { Dict } from '../values/dict.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import {
  addInts, bitwiseInts, divModInts, intToFloat, multiplyInts, shiftInts, subtractInts,
} from '../values/int-arithmetic.js';
import { List } from '../values/list.js';
import { StarlarkSet } from '../values/set.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { interpolate } from '../builtins/string-interpolation.js';
import { containsValue } from './membership.js';
import { repeatSequence } from './repeat-sequence.js';
import type { Thread } from './thread.js';

/**
 * Applies a binary operator other than `and`/`or` (which short-circuit in the evaluator). The
 * thread bounds what the operators that build values (`+`, `*`, `%`, `|`, ...) may build.
 */
export function binaryOperation(operator: Exclude<BinaryOperator, 'and' | 'or'>, left: Value, right: Value, thread: Thread): Value {
  switch (operator) {
    case '==':
      return Bool.of(valuesEqual(left, right));
    case '!=':
      return Bool.of(!valuesEqual(left, right));
    case '<':
      return Bool.of(compareOrdered(left, right, operator) < 0);
    case '>':
      return Bool.of(compareOrdered(left, right, operator) > 0);
    case '<=':
      return Bool.of(compareOrdered(left, right, operator) <= 0);
    case '>=':
      return Bool.of(compareOrdered(left, right, operator) >= 0);
    case 'in':
      return Bool.of(containsValue(right, left));
    case 'not in':
      return Bool.of(!containsValue(right, left));
    case '+':
      return add(left, right, thread) ?? unsupported(operator, left, right);
    case '-':
      return subtract(left, right) ?? unsupported(operator, left, right);
    case '*':
      return multiply(left, right, thread) ?? unsupported(operator, left, right);
    case '/':
      return divide(left, right) ?? unsupported(operator, left, right);
    case '//':
    case '%':
      return divMod(left, right, operator, thread) ?? unsupported(operator, left, right);
    case '&':
    case '|':
    case '^':
      return bitwise(left, right, operator, thread) ?? unsupported(operator, left, right);
    case '<<':
    case '>>':
      if (left instanceof Int && right instanceof Int) return shiftInts(left, right, operator);
      return unsupported(operator, left, right);
    default:
      return assertNever(operator, 'binary operator');
  }
}

function unsupported(operator: string, left: Value, right: Value): never {
  throw runtimeError(`unsupported binary operation: ${left.type} ${operator} ${right.type}`);
}

function compareOrdered(left: Value, right: Value, operator: string): number {
  if (left.type !== right.type && !(isNumber(left) && isNumber(right))) {
    throw runtimeError(`unsupported comparison: ${left.type} ${operator} ${right.type}`);
  }
  if (left instanceof StarlarkSet) throw runtimeError(`unsupported comparison: set ${operator} set`);
  return compareValues(left, right);
}

function isNumber(value: Value): value is Int | Float {
  return value instanceof Int || value instanceof Float;
}

/** Both operands as floats, when at least one is a float and both are numbers. */
function floatOperands(left: Value, right: Value): [number, number] | undefined {
  if (!isNumber(left) || !isNumber(right)) return undefined;
  return [left instanceof Float ? left.value : intToFloat(left), right instanceof Float ? right.value : intToFloat(right)];
}

function add(left: Value, right: Value, thread: Thread): Value | undefined {
  if (left.constructor === Int && right.constructor === Int) return addInts(left as Int, right as Int);
  if (left.constructor === Str && right.constructor === Str) {
    // No step charge: engines concatenate strings without copying them (ropes).
    const a = (left as Str).value;
    const b = (right as Str).value;
    thread.checkLength(a.length + b.length, 'string', "'+'");
    return Str.of(a + b);
  }
  const floats = floatOperands(left, right);
  if (floats) return Float.of(floats[0] + floats[1]);
  if ((left instanceof List && right instanceof List) || (left instanceof Tuple && right instanceof Tuple)) {
    const size = left.elements.length + right.elements.length;
    thread.checkLength(size, left instanceof List ? 'list' : 'tuple', "'+'");
    thread.chargeBulk(size);
    const elements = [...left.elements, ...right.elements];
    return left instanceof List ? new List(elements) : new Tuple(elements);
  }
  if (left instanceof Bytes && right instanceof Bytes) {
    const size = left.value.length + right.value.length;
    thread.checkLength(size, 'bytes', "'+'");
    thread.chargeBulk(size);
    const joined = new Uint8Array(size);
    joined.set(left.value);
    joined.set(right.value, left.value.length);
    return new Bytes(joined);
  }
  return undefined;
}

function subtract(left: Value, right: Value): Value | undefined {
  if (left instanceof Int && right instanceof Int) return subtractInts(left, right);
  const floats = floatOperands(left, right);
  if (floats) return Float.of(floats[0] - floats[1]);
  if (left instanceof StarlarkSet && right instanceof StarlarkSet) {
    return new StarlarkSet(left.elements().filter((element) => !right.has(element)));
  }
  return undefined;
}

function multiply(left: Value, right: Value, thread: Thread): Value | undefined {
  if (left instanceof Int && right instanceof Int) return multiplyInts(left, right);
  const floats = floatOperands(left, right);
  if (floats) return Float.of(floats[0] * floats[1]);
  if (right instanceof Int) return repeatSequence(left, right, thread);
  if (left instanceof Int) return repeatSequence(right, left, thread);
  return undefined;
}

function divide(left: Value, right: Value): Value | undefined {
  const floats = floatOperands(left, right) ?? (left instanceof Int && right instanceof Int ? [intToFloat(left), intToFloat(right)] : undefined);
  if (!floats) return undefined;
  if (floats[1] === 0) throw runtimeError('floating-point division by zero');
  return Float.of(floats[0] / floats[1]);
}

function divMod(left: Value, right: Value, operator: '//' | '%', thread: Thread): Value | undefined {
  if (left instanceof Int && right instanceof Int) return divModInts(left, right, operator);
  if (operator === '%' && left instanceof Str) return Str.of(interpolate(left.value, right, thread));
  const floats = floatOperands(left, right);
  if (!floats) return undefined;
  const [a, b] = floats;
  if (b === 0) throw runtimeError(operator === '//' ? 'floating-point division by zero' : 'floating-point modulo by zero');
  if (operator === '//') return Float.of(Math.floor(a / b));
  let remainder = a % b;
  if (remainder !== 0 && remainder < 0 !== b < 0) remainder += b;
  return Float.of(remainder);
}

function bitwise(left: Value, right: Value, operator: '&' | '|' | '^', thread: Thread): Value | undefined {
  if (left instanceof Int && right instanceof Int) return bitwiseInts(left, right, operator);
  if (left instanceof StarlarkSet && right instanceof StarlarkSet) return sized(setOperation(left, right, operator), thread, `'${operator}'`);
  if (operator === '|' && left instanceof Dict && right instanceof Dict) {
    const union = new Dict();
    for (const entry of left.table.entries()) union.table.set(entry.key, entry.value);
    for (const entry of right.table.entries()) union.table.set(entry.key, entry.value);
    return sized(union, thread, "'|'");
  }
  return undefined;
}

function setOperation(left: StarlarkSet, right: StarlarkSet, operator: '&' | '|' | '^'): StarlarkSet {
  if (operator === '|') return new StarlarkSet([...left.elements(), ...right.elements()]);
  if (operator === '&') return new StarlarkSet(left.elements().filter((element) => right.has(element)));
  return new StarlarkSet([
    ...left.elements().filter((element) => !right.has(element)),
    ...right.elements().filter((element) => !left.has(element)),
  ]);
}

/** A union is at most twice the size of its (bounded) operands: checked once built. */
function sized<T extends StarlarkSet | Dict>(result: T, thread: Thread, operation: string): T {
  thread.checkLength(result.length, result instanceof Dict ? 'dict' : 'set', operation);
  thread.chargeBulk(result.length);
  return result;
}
