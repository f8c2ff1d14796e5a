import type { Comprehension, ComprehensionClause, Expression } from '../syntax/ast.js';
import { Dict } from '../values/dict.js';
import { List } from '../values/list.js';
import type { Value } from '../values/value.js';
import type { Assign, Evaluate } from './evaluate.js';
import type { Frame } from './frame.js';
import { iterateValue } from './iterate.js';

/** The compiler callbacks a comprehension needs. */
export interface ComprehensionCompiler {
  expression(node: Expression): Evaluate;
  target(node: Expression): Assign;
}

type Emit = (frame: Frame, into: List | Dict) => void;

/** Compiles `[x for ...]` or `{k: v for ...}` into nested loops that append to one result. */
export function compileComprehension(node: Comprehension, compiler: ComprehensionCompiler): Evaluate {
  const body = node.body;
  let emit: Emit;
  if (body.kind === 'DictEntry') {
    const key = compiler.expression(body.key);
    const value = compiler.expression(body.value);
    const position = body.position;
    emit = (frame, into) => {
      const k = key(frame);
      const v = value(frame);
      frame.position = position;
      const table = (into as Dict).table;
      if (table.size >= frame.thread.maxValueLength) frame.thread.checkLength(table.size + 1, 'dict', 'comprehension');
      table.set(k, v);
    };
  } else {
    const element = compiler.expression(body);
    emit = (frame, into) => {
      const elements = (into as List).elements;
      const value = element(frame);
      if (elements.length >= frame.thread.maxValueLength) frame.thread.checkLength(elements.length + 1, 'list', 'comprehension');
      elements.push(value);
    };
  }
  for (let index = node.clauses.length - 1; index >= 0; index--) emit = compileClause(node.clauses[index], emit, compiler);
  const isDict = body.kind === 'DictEntry';
  if (isDict) {
    return (frame) => {
      const result = new Dict();
      emit(frame, result);
      return result;
    };
  }
  return (frame) => {
    const result = new List();
    emit(frame, result);
    // An array grown by push keeps room for 17 elements: a short result is copied to its size
    // (a workflow keeps thousands of one- and two-element lists).
    const length = result.elements.length;
    return length > 0 && length < 16 ? new List(result.elements.slice()) : result;
  };
}

function compileClause(clause: ComprehensionClause, next: Emit, compiler: ComprehensionCompiler): Emit {
  if (clause.kind === 'if') {
    const condition = compiler.expression(clause.condition);
    return (frame, into) => {
      if (condition(frame).truth()) next(frame, into);
    };
  }
  const iterable = compiler.expression(clause.iterable);
  const assign = compiler.target(clause.target);
  const position = clause.position;
  return (frame, into) => {
    const sequence = iterable(frame);
    frame.position = position;
    const iterator = iterateValue(sequence);
    try {
      for (let element: Value | undefined = iterator.next(); element !== undefined; element = iterator.next()) {
        frame.thread.step();
        assign(frame, element);
        next(frame, into);
      }
    } finally {
      iterator.done();
    }
  };
}
