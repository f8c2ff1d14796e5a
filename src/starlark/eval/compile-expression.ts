import { assertNever } from '../../util/index.js';
import { StarlarkError, runtimeError } from '../errors.js';
import type {
  Argument, BinaryExpression, CallExpression, Comprehension, DictExpression, Expression, LambdaExpression, Literal, Parameter,
} from '../syntax/ast.js';
import { getAttribute, findMethod } from '../builtins/attributes.js';
import type { Builtin } from '../values/builtin.js';
import { Bool } from '../values/bool.js';
import { Bytes } from '../values/bytes.js';
import { Dict } from '../values/dict.js';
import { HashTable, SMALL_TABLE_LIMIT } from '../values/hash-table.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { List } from '../values/list.js';
import { None } from '../values/none.js';
import { Str } from '../values/str.js';
import { StarlarkFunction } from '../values/function.js';
import { Tuple } from '../values/tuple.js';
import { appendAll } from '../values/append-all.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import { compileBinary } from './compile-binary.js';
import { callValue, nameBuiltinError } from './call-value.js';
import { CompiledFunction, defaultSlots, makeClosure } from './compiled-function.js';
import { compileComprehension } from './compile-comprehension.js';
import type { Assign, CompileEnvironment, Evaluate } from './evaluate.js';
import type { Frame } from './frame.js';
import { indexValue, sliceValue } from './index-operations.js';
import { collectValues } from './iterate.js';
import { unaryOperation } from './unary-operators.js';
import { compileRead } from './variables.js';

type KeywordList = [string, Value][];

/** The keyword list of calls without keywords, shared (builtins never change it). */
const NO_KEYWORDS: KeywordList = [];

/** Turns expressions into closures over a Frame (faster than walking the tree each time). */
export class ExpressionCompiler {
  constructor(protected readonly environment: CompileEnvironment) {}

  expression(node: Expression): Evaluate {
    switch (node.kind) {
      case 'Identifier':
        if (!node.binding) throw new Error(`unresolved identifier ${node.name}`);
        return compileRead(node.binding, node.position, this.environment);
      case 'Literal': {
        const value = literalValue(node);
        return () => value;
      }
      case 'ListExpression': {
        const elements = node.elements.map((element) => this.expression(element));
        return (frame) => new List(evaluateAll(elements, frame));
      }
      case 'TupleExpression': {
        const elements = node.elements.map((element) => this.expression(element));
        return (frame) => new Tuple(evaluateAll(elements, frame));
      }
      case 'DictExpression':
        return this.dict(node);
      case 'Comprehension':
        return this.comprehension(node);
      case 'UnaryExpression': {
        const operand = this.expression(node.operand);
        const operator = node.operator;
        const position = node.position;
        if (operator === 'not') return (frame) => Bool.of(!operand(frame).truth());
        return (frame) => {
          const value = operand(frame);
          frame.position = position;
          return unaryOperation(operator, value);
        };
      }
      case 'BinaryExpression':
        return this.binary(node);
      case 'ConditionalExpression': {
        const condition = this.expression(node.condition);
        const whenTrue = this.expression(node.whenTrue);
        const whenFalse = this.expression(node.whenFalse);
        return (frame) => (condition(frame).truth() ? whenTrue(frame) : whenFalse(frame));
      }
      case 'DotExpression': {
        const object = this.expression(node.object);
        const { name, position } = node;
        return (frame) => {
          const value = object(frame);
          frame.position = position;
          return getAttribute(value, name);
        };
      }
      case 'IndexExpression': {
        const object = this.expression(node.object);
        const index = this.expression(node.index);
        const position = node.position;
        return (frame) => {
          const value = object(frame);
          const key = index(frame);
          frame.position = position;
          return indexValue(value, key);
        };
      }
      case 'SliceExpression': {
        const object = this.expression(node.object);
        const constantNone: Evaluate = () => None;
        const [start, stop, step] = [node.start, node.stop, node.step].map((part) => (part ? this.expression(part) : constantNone));
        const position = node.position;
        return (frame) => {
          const value = object(frame);
          const from = start(frame);
          const to = stop(frame);
          const stride = step(frame);
          frame.position = position;
          return sliceValue(value, from, to, stride);
        };
      }
      case 'CallExpression':
        return this.call(node);
      case 'LambdaExpression':
        return this.lambda(node);
      default:
        return assertNever(node, 'expression');
    }
  }

  /** Compiles an assignment target; implemented by the statement compiler. */
  protected target(_node: Expression): Assign {
    throw new Error('assignment targets are compiled by StatementCompiler');
  }

  protected defaults(parameters: readonly Parameter[]): (Evaluate | undefined)[] {
    return defaultSlots(parameters, (parameter) => (parameter.defaultValue ? this.expression(parameter.defaultValue) : undefined));
  }

  private lambda(node: LambdaExpression): Evaluate {
    const body = this.expression(node.body);
    const code = new CompiledFunction('lambda', node.position, node.scope!, node.parameters, (frame) => {
      frame.returnValue = body(frame);
    });
    const defaults = this.defaults(node.parameters);
    return (frame) => makeClosure(code, frame, defaults);
  }

  private dict(node: DictExpression): Evaluate {
    const keys = constantStringKeys(node);
    if (keys) {
      // Distinct constant keys: one frozen key list for every dict this literal builds.
      const values = node.entries.map((entry) => this.expression(entry.value));
      return (frame) => {
        // Sized up front: an array grown by push keeps room for 17 elements.
        const evaluated = new Array<Value>(values.length);
        for (let index = 0; index < values.length; index++) evaluated[index] = values[index](frame);
        return new Dict(HashTable.withSharedKeys(keys, evaluated));
      };
    }
    const entries = node.entries.map((entry) => ({ key: this.expression(entry.key), value: this.expression(entry.value), position: entry.position }));
    return (frame) => {
      const dict = new Dict();
      for (const entry of entries) {
        const key = entry.key(frame);
        const value = entry.value(frame);
        frame.position = entry.position;
        if (dict.table.has(key)) throw runtimeError(`duplicate key: ${describeValue(key)}`);
        dict.table.set(key, value);
      }
      return dict;
    };
  }

  private comprehension(node: Comprehension): Evaluate {
    return compileComprehension(node, {
      expression: (expression) => this.expression(expression),
      target: (target) => this.target(target),
    });
  }

  private binary(node: BinaryExpression): Evaluate {
    return compileBinary(node, this.expression(node.left), this.expression(node.right));
  }

  private call(node: CallExpression): Evaluate {
    const position = node.position;
    const onlyPositional = node.args.every((argument) => argument.kind === 'positional');
    const positional = onlyPositional ? node.args.map((argument) => this.expression(argument.value)) : [];
    const collect = onlyPositional ? undefined : this.callArguments(node.args);
    if (node.callee.kind === 'DotExpression') {
      const object = this.expression(node.callee.object);
      const name = node.callee.name;
      const dotPosition = node.callee.position;
      // An inline cache: a call site almost always sees receivers of one type.
      let cachedType: unknown;
      let cachedMethod: Builtin | undefined;
      return (frame) => {
        const receiver = object(frame);
        let method: Builtin | undefined;
        if (receiver.constructor === cachedType) method = cachedMethod;
        else {
          method = findMethod(receiver, name);
          cachedType = receiver.constructor;
          cachedMethod = method;
        }
        if (!method) frame.position = dotPosition;
        const callee = method ?? getAttribute(receiver, name);
        let args: Value[];
        let kwargs: KeywordList;
        if (collect) {
          const collected = collect(frame);
          args = collected[0];
          kwargs = collected[1];
        } else {
          args = evaluateAll(positional, frame);
          kwargs = NO_KEYWORDS;
        }
        frame.position = position;
        if (!method) return callValue(frame.thread, callee, args, kwargs, position);
        frame.thread.step();
        try {
          return method.implementation({ name, args, kwargs, thread: frame.thread, position, receiver });
        } catch (error) {
          throw nameBuiltinError(error, name);
        }
      };
    }
    const callee = this.expression(node.callee);
    if (!collect) {
      const count = positional.length;
      return (frame) => {
        const fn = callee(frame);
        // Types tested by `constructor` on this hot path (see StarlarkValue).
        const code = fn.constructor === StarlarkFunction ? (fn as StarlarkFunction).code : undefined;
        const compiled = code?.constructor === CompiledFunction ? (code as CompiledFunction) : undefined;
        if (compiled?.takesExactly(count)) {
          // The common call of a def by position: arguments go straight into its locals.
          const locals = compiled.newLocals();
          for (let index = 0; index < count; index++) locals[index] = positional[index](frame);
          frame.position = position;
          frame.thread.step();
          return compiled.run(fn as StarlarkFunction, frame.thread, locals);
        }
        const args = evaluateAll(positional, frame);
        frame.position = position;
        return callValue(frame.thread, fn, args, NO_KEYWORDS, position);
      };
    }
    return (frame) => {
      const fn = callee(frame);
      const [args, kwargs] = collect(frame);
      frame.position = position;
      return callValue(frame.thread, fn, args, kwargs, position);
    };
  }

  /** Compiles the evaluation of arguments with keywords or `*`/`**`: positional values and keyword pairs. */
  private callArguments(args: readonly Argument[]): (frame: Frame) => [Value[], KeywordList] {
    const compiled = args.map((argument) => ({ kind: argument.kind, name: argument.name, position: argument.position, value: this.expression(argument.value) }));
    return (frame) => {
      const positional: Value[] = [];
      const keywords: KeywordList = [];
      for (const argument of compiled) {
        const value = argument.value(frame);
        switch (argument.kind) {
          case 'positional':
            positional.push(value);
            break;
          case 'keyword':
            keywords.push([argument.name!, value]);
            break;
          case 'star':
            frame.position = argument.position;
            try {
              appendAll(positional, collectValues(value, frame.thread));
            } catch (error) {
              if (error instanceof StarlarkError && !error.position) throw runtimeError(`argument after * must be iterable, not ${value.type}`);
              throw error;
            }
            break;
          case 'starstar':
            frame.position = argument.position;
            spreadKeywords(value, keywords);
            break;
          default:
            assertNever(argument.kind, 'argument kind');
        }
      }
      return [positional, keywords];
    };
  }
}

function spreadKeywords(value: Value, keywords: KeywordList): void {
  if (!(value instanceof Dict)) throw runtimeError(`argument after ** must be a dict, not ${value.type}`);
  for (const entry of value.table.entries()) {
    if (!(entry.key instanceof Str)) throw runtimeError(`keywords must be strings, not ${entry.key.type}`);
    if (keywords.some(([name]) => name === (entry.key as Str).value)) throw runtimeError(`got multiple values for keyword argument '${entry.key.value}'`);
    keywords.push([entry.key.value, entry.value]);
  }
}

function evaluateAll(evaluators: readonly Evaluate[], frame: Frame): Value[] {
  const values = new Array<Value>(evaluators.length);
  for (let index = 0; index < evaluators.length; index++) values[index] = evaluators[index](frame);
  return values;
}

function literalValue(node: Literal): Value {
  const literal = node.literal;
  switch (literal.type) {
    case 'int':
      return Int.of(literal.value);
    case 'float':
      return Float.of(literal.value);
    case 'string':
      return Str.of(literal.value);
    case 'bytes':
      return new Bytes(literal.value);
    default:
      return assertNever(literal, 'literal');
  }
}


/**
 * The keys of a dict literal whose keys are all string literals, distinct, and few enough for
 * a small table; undefined otherwise (that literal builds its dict key by key, and reports a
 * duplicate key when it runs).
 */
function constantStringKeys(node: DictExpression): readonly string[] | undefined {
  if (node.entries.length === 0 || node.entries.length > SMALL_TABLE_LIMIT) return undefined;
  const keys: string[] = [];
  for (const entry of node.entries) {
    const key = entry.key;
    if (key.kind !== 'Literal' || key.literal.type !== 'string' || keys.includes(key.literal.value)) return undefined;
    keys.push(key.literal.value);
  }
  return keys;
}
