import type { Expression } from '../syntax/ast.js';

/**
 * How `can't assign to X` names a bad assignment target: the reference implementation's node
 * name (`literal`, `callexpr`, ...), then what it is in words.
 */
export function describeTarget(target: Expression): string {
  return `${referenceNodeName(target)} (${describeExpression(target)})`;
}

/** The reference implementation names a bad assignment target by its syntax node type. */
function referenceNodeName(expression: Expression): string {
  switch (expression.kind) {
    case 'Literal':
      return 'literal';
    case 'CallExpression':
      return 'callexpr';
    case 'BinaryExpression':
      return 'binaryexpr';
    case 'UnaryExpression':
      return 'unaryexpr';
    case 'ConditionalExpression':
      return 'condexpr';
    case 'SliceExpression':
      return 'sliceexpr';
    case 'DictExpression':
      return 'dictexpr';
    case 'LambdaExpression':
      return 'lambdaexpr';
    case 'Comprehension':
      return 'comprehension';
    default:
      return expression.kind.toLowerCase();
  }
}

function describeExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'Literal':
      return 'a literal';
    case 'CallExpression':
      return 'a function call';
    case 'BinaryExpression':
    case 'UnaryExpression':
      return 'an operator expression';
    case 'SliceExpression':
      return 'a slice; assign to its elements one by one, or build a new list';
    default:
      return `a ${expression.kind.replace('Expression', '').toLowerCase()} expression`;
  }
}
