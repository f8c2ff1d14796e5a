import { runtimeError } from '../errors.js';
import { Builtin, type BuiltinCall } from '../values/builtin.js';
import { Bytes } from '../values/bytes.js';
import { compareValues } from '../values/compare.js';
import { Dict } from '../values/dict.js';
import { Int } from '../values/int.js';
import { List } from '../values/list.js';
import { None } from '../values/none.js';
import { Range } from '../values/range.js';
import { StarlarkSet } from '../values/set.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import { collectValues } from '../eval/iterate.js';
import { updateDict } from './dict-methods.js';
import { expectBool, expectInt, unpackArgs, unpackPositional } from './unpack-args.js';
import { sortValues } from './sort-values.js';

function extreme(call: BuiltinCall, sign: 1 | -1): Value {
  let key: Value | undefined;
  for (let index = 0; index < call.kwargs.length; index++) {
    const name = call.kwargs[index][0];
    if (name !== 'key') throw runtimeError(`${call.name}: unexpected keyword argument '${name}'`);
    key = call.kwargs[index][1];
  }
  if (call.args.length === 0) throw runtimeError(`${call.name}: expected at least one item (got no positional arguments)`);
  const values = call.args.length === 1 ? collectValues(call.args[0], call.thread) : [...call.args];
  if (values.length === 0) throw runtimeError(`${call.name}: expected at least one item, got an empty sequence`);
  if (key === None) key = undefined;
  let best = values[0];
  let bestKey = key ? call.thread.call(key, [best]) : best;
  for (let index = 1; index < values.length; index++) {
    const value = values[index];
    const valueKey = key ? call.thread.call(key, [value]) : value;
    if (compareValues(valueKey, bestKey) * sign > 0) {
      best = value;
      bestKey = valueKey;
    }
  }
  return best;
}

function rangeOf(call: BuiltinCall): Range {
  const args = unpackPositional(call, 1, 3).map((value, index) => {
    if (!(value instanceof Int)) throw runtimeError(`for parameter ${['start', 'stop', 'step'][index]}: got value of type '${value.type}', want int`);
    if (typeof value.value !== 'number') throw runtimeError(`range argument ${value.value} out of range`);
    return value.value;
  });
  const [start, stop, step] = args.length === 1 ? [0, args[0], 1] : [args[0], args[1], args[2] ?? 1];
  if (step === 0) throw runtimeError('step argument must not be zero');
  return new Range(start, stop, step);
}

function bytesOf(x: Value, call: BuiltinCall): Bytes {
  if (x instanceof Bytes) return x;
  if (x instanceof Str) {
    const encoded = Bytes.fromString(x.value);
    call.thread.checkLength(encoded.value.length, 'bytes', 'bytes');
    call.thread.chargeBulk(encoded.value.length);
    return encoded;
  }
  return new Bytes(
    Uint8Array.from(collectValues(x, call.thread), (element) => {
      const byte = element instanceof Int ? element.toSafeNumber() : undefined;
      if (byte === undefined || byte < 0 || byte > 255) throw runtimeError(`bytes: element ${describeValue(element)} is not a byte (want int in 0..255)`);
      return byte;
    }),
  );
}

/** Constructors and sequence helpers: list, tuple, dict, set, range, bytes, sorted, reversed, enumerate, zip, min, max. */
export const collectionFunctions: readonly Builtin[] = [
  new Builtin('list', (call) => {
    const [x] = unpackPositional(call, 0, 1);
    return new List(x === undefined ? [] : collectValues(x, call.thread));
  }),
  new Builtin('tuple', (call) => {
    const [x] = unpackPositional(call, 0, 1);
    return x === undefined ? Tuple.empty : x instanceof Tuple ? x : new Tuple(collectValues(x, call.thread));
  }),
  new Builtin('dict', (call) => {
    const dict = new Dict();
    updateDict(dict, call);
    return dict;
  }),
  new Builtin('set', (call) => {
    const [x] = unpackPositional(call, 0, 1);
    return new StarlarkSet(x === undefined ? [] : collectValues(x, call.thread));
  }),
  new Builtin('range', rangeOf),
  new Builtin('bytes', (call) => bytesOf(unpackPositional(call, 1, 1)[0], call)),
  new Builtin('sorted', (call) => {
    const args = unpackArgs(call, ['iterable', 'key?', 'reverse?']);
    if (call.args.length > 1) throw runtimeError('sorted: got more than 1 positional argument');
    const reverse = args[2];
    return new List(sortValues(call, collectValues(args[0]!, call.thread), args[1], reverse === undefined ? false : expectBool(reverse, 'reverse')));
  }),
  new Builtin('reversed', (call) => new List(collectValues(unpackPositional(call, 1, 1)[0], call.thread).reverse())),
  new Builtin('enumerate', (call) => {
    const [iterable, start] = unpackArgs(call, ['iterable', 'start?']);
    const offset = start === undefined ? 0 : expectInt(start, 'start');
    return new List(collectValues(iterable!, call.thread).map((value, index) => new Tuple([Int.of(index + offset), value])));
  }),
  new Builtin('zip', (call) => {
    const sequences = unpackPositional(call, 0, Infinity).map((argument) => collectValues(argument, call.thread));
    const length = sequences.length === 0 ? 0 : Math.min(...sequences.map((sequence) => sequence.length));
    return new List(Array.from({ length }, (_, index) => new Tuple(sequences.map((sequence) => sequence[index]))));
  }),
  new Builtin('min', (call) => extreme(call, -1)),
  new Builtin('max', (call) => extreme(call, 1)),
];
