import { assertNever } from '../../util/index.js';
import { runtimeError } from '../errors.js';
import type { UnaryOperator } from '../syntax/ast.js';
import { Bool } from '../values/bool.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { invertInt, negateInt } from '../values/int-arithmetic.js';
import type { Value } from '../values/value.js';

export function unaryOperation(operator: UnaryOperator, operand: Value): Value {
  switch (operator) {
    case 'not':
      return Bool.of(!operand.truth());
    case '-':
      if (operand.constructor === Int) return negateInt(operand as Int);
      if (operand instanceof Float) return Float.of(-operand.value);
      break;
    case '+':
      if (operand instanceof Int || operand instanceof Float) return operand;
      break;
    case '~':
      if (operand instanceof Int) return invertInt(operand);
      break;
    default:
      assertNever(operator, 'unary operator');
  }
  throw runtimeError(`unsupported unary operation: ${operator}${operand.type}`);
}
