import { runtimeError } from '../errors.js';
import type { AssignStatement, Expression } from '../syntax/ast.js';
import { getAttribute } from '../builtins/attributes.js';
import type { Value } from '../values/value.js';
import { binaryOperation } from './binary-operators.js';
import { Flow, type Assign, type Evaluate, type Execute } from './evaluate.js';
import { indexValue, setIndexValue } from './index-operations.js';
import { isIterable } from '../values/iteration.js';
import { applyInPlace } from './in-place-operation.js';
import { compileWrite } from './variables.js';
import type { BinaryOperator } from '../syntax/ast.js';

type CompileExpression = (node: Expression) => Evaluate;
type ArithmeticOperator = Exclude<BinaryOperator, 'and' | 'or'>;

/** Compiles a store into an assignment target: name, `x[i]`, `x.f`, or a tuple/list to unpack. */
export function compileTarget(node: Expression, expression: CompileExpression): Assign {
  switch (node.kind) {
    case 'Identifier':
      return compileWrite(node.binding!);
    case 'IndexExpression': {
      const object = expression(node.object);
      const index = expression(node.index);
      const position = node.position;
      return (frame, value) => {
        const container = object(frame);
        const key = index(frame);
        frame.position = position;
        setIndexValue(container, key, value, frame.thread);
      };
    }
    case 'DotExpression': {
      const object = expression(node.object);
      const { name, position } = node;
      return (frame) => {
        const value = object(frame);
        frame.position = position;
        throw runtimeError(`cannot assign to field .${name} of ${value.type} value (fields are immutable)`);
      };
    }
    case 'TupleExpression':
    case 'ListExpression': {
      const elements = node.elements.map((element) => compileTarget(element, expression));
      const position = node.position;
      return (frame, value) => {
        frame.position = position;
        const values = unpack(value, elements.length);
        for (let index = 0; index < elements.length; index++) elements[index](frame, values[index]);
      };
    }
    default:
      throw new Error(`resolver accepted invalid assignment target ${node.kind}`);
  }
}

/**
 * The `count` values of `a, b = value`. Reads at most one element too many, so unpacking a huge
 * (or endless) iterable fails at once instead of materialising it.
 */
function unpack(value: Value, count: number): Value[] {
  if (!isIterable(value)) throw runtimeError(`got ${value.type} in sequence assignment (${value.type} is not iterable)`);
  const size = (value as { readonly length?: unknown }).length;
  const known = typeof size === 'number' ? size : undefined;
  const values: Value[] = [];
  const iterator = value.iterate();
  try {
    for (let element = iterator.next(); element !== undefined && values.length <= count; element = iterator.next()) values.push(element);
  } finally {
    iterator.done();
  }
  if (values.length > count) throw runtimeError(`too many values to unpack (got ${known ?? `more than ${count}`}, want ${count})`);
  if (values.length < count) throw runtimeError(`too few values to unpack (got ${values.length}, want ${count})`);
  return values;
}

/** `x op= y`: operands evaluated once; mutable values the spec updates in place are (see applyInPlace). */
export function compileAugmentedAssignment(node: AssignStatement, expression: CompileExpression): Execute {
  const operator = node.operator.slice(0, -1) as ArithmeticOperator;
  const right = expression(node.value);
  const position = node.position;
  const combine = (frame: Parameters<Execute>[0], current: Value, operand: Value): Value => {
    frame.position = position;
    return applyInPlace(operator, current, operand, frame.thread) ?? binaryOperation(operator, current, operand, frame.thread);
  };
  const target = node.target;
  if (target.kind === 'IndexExpression') {
    const object = expression(target.object);
    const index = expression(target.index);
    return (frame) => {
      frame.thread.step();
      const container = object(frame);
      const key = index(frame);
      frame.position = target.position;
      const current = indexValue(container, key);
      const updated = combine(frame, current, right(frame));
      frame.position = target.position;
      setIndexValue(container, key, updated, frame.thread);
      return Flow.Normal;
    };
  }
  if (target.kind === 'DotExpression') {
    const object = expression(target.object);
    return (frame) => {
      frame.thread.step();
      const value = object(frame);
      frame.position = target.position;
      getAttribute(value, target.name);
      throw runtimeError(`cannot assign to field .${target.name} of ${value.type} value (fields are immutable)`);
    };
  }
  const read = expression(target);
  const write = compileTarget(target, expression);
  return (frame) => {
    frame.thread.step();
    const current = read(frame);
    write(frame, combine(frame, current, right(frame)));
    return Flow.Normal;
  };
}
