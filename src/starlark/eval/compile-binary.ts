import type { BinaryExpression } from '../syntax/ast.js';
import { Bool } from '../values/bool.js';
import { Int } from '../values/int.js';
import { addInts, divModInts, multiplyInts, subtractInts } from '../values/int-arithmetic.js';
import { Str } from '../values/str.js';
import type { Value } from '../values/value.js';
import { applyFormat, parseFormat } from '../builtins/string-interpolation.js';
import { binaryOperation } from './binary-operators.js';
import type { Evaluate } from './evaluate.js';

/**
 * Compiles a binary operation. The operators programs use most — arithmetic and comparisons
 * of small ints, string comparison and equality — get a direct path; everything else (and every
 * error) goes through binaryOperation, which the fast paths must agree with. Types are tested
 * by `constructor` (see StarlarkValue).
 */
export function compileBinary(node: BinaryExpression, left: Evaluate, right: Evaluate): Evaluate {
  const { operator, position } = node;
  switch (operator) {
    case 'and':
      return (frame) => {
        const value = left(frame);
        return value.truth() ? right(frame) : value;
      };
    case 'or':
      return (frame) => {
        const value = left(frame);
        return value.truth() ? value : right(frame);
      };
    case '+':
      return withIntFastPath(operator, position, left, right, addInts);
    case '-':
      return withIntFastPath(operator, position, left, right, subtractInts);
    case '%':
      if (node.left.kind === 'Literal' && node.left.literal.type === 'string') {
        // `"..." % args` always formats (a str left operand): its format is parsed once, here.
        const plan = parseFormat(node.left.literal.value);
        return (frame) => {
          const args = right(frame);
          frame.position = position;
          return Str.of(applyFormat(plan, args, frame.thread));
        };
      }
      return withIntFastPath(operator, position, left, right, remainderInts);
    case '//':
      return withIntFastPath(operator, position, left, right, floorDivideInts);
    case '*':
      return withIntFastPath(operator, position, left, right, multiplyInts);
    case '==':
    case '!=': {
      const equal = operator === '==';
      return (frame) => {
        const a = left(frame);
        const b = right(frame);
        if (a === b) return Bool.of(equal);
        const type = a.constructor;
        if (type === b.constructor && (type === Str || type === Int)) return Bool.of(((a as Str | Int).value === (b as Str | Int).value) === equal);
        frame.position = position;
        return binaryOperation(operator, a, b, frame.thread);
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const test = ORDER_TESTS[operator];
      return (frame) => {
        const a = left(frame);
        const b = right(frame);
        const type = a.constructor;
        if (type === Str && b.constructor === Str) return Bool.of(test((a as Str).value, (b as Str).value));
        if (type === Int && b.constructor === Int) {
          const x = (a as Int).value;
          const y = (b as Int).value;
          if (typeof x === 'number' && typeof y === 'number') return Bool.of(test(x, y));
        }
        frame.position = position;
        return binaryOperation(operator, a, b, frame.thread);
      };
    }
    default:
      return defaultBinary(operator, position, left, right);
  }
}

function defaultBinary(operator: Exclude<BinaryExpression['operator'], 'and' | 'or'>, position: BinaryExpression['position'], left: Evaluate, right: Evaluate): Evaluate {
  return (frame) => {
    const a = left(frame);
    const b = right(frame);
    frame.position = position;
    return binaryOperation(operator, a, b, frame.thread);
  };
}

const remainderInts = (a: Int, b: Int): Int => divModInts(a, b, '%');
const floorDivideInts = (a: Int, b: Int): Int => divModInts(a, b, '//');

/**
 * `a op b` with the int-int case computed directly. The position is set first: the int
 * operations fail on division by zero and on oversized results, like the general path.
 */
function withIntFastPath(
  operator: '+' | '-' | '*' | '%' | '//',
  position: BinaryExpression['position'],
  left: Evaluate,
  right: Evaluate,
  compute: (a: Int, b: Int) => Value,
): Evaluate {
  return (frame) => {
    const a = left(frame);
    const b = right(frame);
    frame.position = position;
    if (a.constructor === Int && b.constructor === Int) return compute(a as Int, b as Int);
    return binaryOperation(operator, a, b, frame.thread);
  };
}

const ORDER_TESTS: Readonly<Record<'<' | '<=' | '>' | '>=', <T extends number | string>(a: T, b: T) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
