import { runtimeError } from '../errors.js';
import { Bool } from '../values/bool.js';
import { Builtin, type BuiltinCall } from '../values/builtin.js';
import { Bytes, bytesHash } from '../values/bytes.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { negateInt } from '../values/int-arithmetic.js';
import { isIndexable } from '../values/iteration.js';
import { List } from '../values/list.js';
import { None } from '../values/none.js';
import { Str, stringHash } from '../values/str.js';
import { Dict } from '../values/dict.js';
import { StarlarkSet } from '../values/set.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { iterateValue } from '../eval/iterate.js';
import { attributeNames, tryGetAttribute } from './attributes.js';
import { expectString, unpackArgs, unpackPositional } from './unpack-args.js';

/** Joins `*args` by `sep` (default one space), as `print` and `fail` do. */
function joinArguments(call: BuiltinCall): string {
  let separator = ' ';
  for (const [name, value] of call.kwargs) {
    if (name !== 'sep') throw runtimeError(`${call.name}: unexpected keyword argument '${name}'`);
    separator = expectString(value, 'sep');
  }
  const text = call.args.map((argument) => (argument instanceof Str ? argument.value : call.thread.strOf(argument, call.name))).join(separator);
  call.thread.checkLength(text.length, 'string', call.name);
  return text;
}

function truthOfAll(call: BuiltinCall, wanted: boolean): Bool {
  const [iterable] = unpackPositional(call, 1, 1);
  const iterator = iterateValue(iterable);
  try {
    for (let element = iterator.next(); element !== undefined; element = iterator.next()) {
      if (element.truth() !== wanted) return Bool.of(!wanted);
    }
  } finally {
    iterator.done();
  }
  return Bool.of(wanted);
}

/** The length of any sized value, or undefined. */
export function lengthOf(value: Value): number | undefined {
  const type = value.constructor;
  if (type === Str) return (value as Str).value.length;
  if (type === List || type === Tuple) return (value as List | Tuple).elements.length;
  if (value instanceof Bytes) return value.value.length;
  if (value instanceof Dict || value instanceof StarlarkSet) return value.length;
  if (isIndexable(value)) return value.length;
  return undefined;
}

/** Universal functions that are not constructors. */
export const coreFunctions: readonly Builtin[] = [
  new Builtin('abs', (call) => {
    const [x] = unpackPositional(call, 1, 1);
    if (x instanceof Int) return (typeof x.value === 'number' ? x.value < 0 : x.value < 0n) ? negateInt(x) : x;
    if (x instanceof Float) return Float.of(Math.abs(x.value));
    throw runtimeError(`got value of type '${x.type}', want int or float`);
  }),
  new Builtin('all', (call) => truthOfAll(call, true)),
  new Builtin('any', (call) => truthOfAll(call, false)),
  new Builtin('dir', (call) => {
    const [x] = unpackPositional(call, 1, 1);
    return new List(attributeNames(x).map((name) => Str.of(name)));
  }),
  new Builtin('fail', (call) => {
    throw runtimeError(joinArguments(call));
  }),
  new Builtin('getattr', (call) => {
    const [x, name, fallback] = unpackPositional(call, 2, 3);
    const attribute = tryGetAttribute(x, expectString(name, 'name'));
    if (attribute !== undefined) return attribute;
    if (fallback !== undefined) return fallback;
    throw runtimeError(`'${x.type}' value has no field or method '${(name as Str).value}'`);
  }),
  new Builtin('hasattr', (call) => {
    const [x, name] = unpackPositional(call, 2, 2);
    return Bool.of(tryGetAttribute(x, expectString(name, 'name')) !== undefined);
  }),
  new Builtin('hash', (call) => {
    const [x] = unpackPositional(call, 1, 1);
    if (x instanceof Str) return Int.of(stringHash(x.value));
    if (x instanceof Bytes) return Int.of(bytesHash(x.value));
    throw runtimeError(`hash: got value of type '${x.type}', want string or bytes`);
  }),
  new Builtin('len', (call) => {
    const x = unpackPositional(call, 1, 1)[0];
    const length = lengthOf(x);
    if (length === undefined) throw runtimeError(`value of type '${x.type}' has no len (${x.type} is not iterable)`);
    return Int.of(length);
  }),
  new Builtin('print', (call) => {
    call.thread.print(joinArguments(call));
    return None;
  }),
  new Builtin('repr', (call) => Str.of(call.thread.reprOf(unpackPositional(call, 1, 1)[0], 'repr'))),
  new Builtin('str', (call) => {
    const x = unpackPositional(call, 1, 1)[0];
    return x.constructor === Str ? x : Str.of(call.thread.strOf(x, 'str'));
  }),
  new Builtin('type', (call) => Str.of(unpackPositional(call, 1, 1)[0].type)),
  new Builtin('bool', (call) => {
    const [x] = unpackPositional(call, 0, 1);
    return Bool.of(x?.truth() ?? false);
  }),
  new Builtin('chr', (call) => {
    const [x] = unpackArgs(call, ['i']);
    if (!(x instanceof Int)) throw runtimeError(`for parameter i: got value of type '${x!.type}', want int`);
    const code = Number(x.value);
    if (code < 0 || code > 0x10ffff) throw runtimeError(`Unicode code point ${x.value} out of range (<0 or >0x10FFFF)`);
    return Str.of(String.fromCodePoint(code));
  }),
  new Builtin('ord', (call) => {
    const [x] = unpackPositional(call, 1, 1);
    if (x instanceof Bytes) {
      if (x.value.length !== 1) throw runtimeError(`ord: bytes has length ${x.value.length}, want 1`);
      return Int.of(x.value[0]);
    }
    const text = expectString(x, 's');
    const codePoint = text.codePointAt(0);
    if (codePoint === undefined || String.fromCodePoint(codePoint).length !== text.length) {
      throw runtimeError(`ord: string encodes ${[...text].length} Unicode code points, want 1`);
    }
    return Int.of(codePoint);
  }),
];
