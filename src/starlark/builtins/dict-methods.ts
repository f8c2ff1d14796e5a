import { runtimeError } from '../errors.js';
import type { BuiltinCall } from '../values/builtin.js';
import { Dict } from '../values/dict.js';
import { List } from '../values/list.js';
import { None } from '../values/none.js';
import { describeValue } from '../values/describe-value.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { collectValues } from '../eval/iterate.js';
import { isIterable } from '../values/iteration.js';
import { methodTable } from './method-table.js';
import { unpackArgs, unpackPositional } from './unpack-args.js';

/** The methods of dict values. */
export const dictMethods = methodTable<Dict>({
  clear: (dict, call) => {
    unpackPositional(call, 0, 0);
    dict.checkMutable('clear');
    dict.table.clear();
    return None;
  },
  get: (dict, call) => {
    const args = unpackPositional(call, 1, 2);
    return dict.get(args[0]) ?? args[1] ?? None;
  },
  items: (dict, call) => {
    unpackPositional(call, 0, 0);
    call.thread.chargeBulk(dict.length);
    return new List([...dict.table.entries()].map((entry) => new Tuple([entry.key, entry.value])));
  },
  keys: (dict, call) => {
    unpackPositional(call, 0, 0);
    call.thread.chargeBulk(dict.length);
    return new List(dict.table.keys());
  },
  values: (dict, call) => {
    unpackPositional(call, 0, 0);
    call.thread.chargeBulk(dict.length);
    return new List(dict.table.values());
  },
  pop: (dict, call) => {
    const [key, fallback] = unpackPositional(call, 1, 2);
    dict.checkMutable('delete from');
    const removed = dict.table.delete(key);
    if (removed) return removed.value;
    if (fallback !== undefined) return fallback;
    throw runtimeError(`pop: key ${describeValue(key)} not found (missing key)`);
  },
  popitem: (dict, call) => {
    unpackPositional(call, 0, 0);
    dict.checkMutable('delete from');
    const first = dict.table.first();
    if (!first) throw runtimeError('popitem: empty dict');
    dict.table.delete(first.key);
    return new Tuple([first.key, first.value]);
  },
  setdefault: (dict, call) => {
    const args = unpackArgs(call, ['key', 'default?']);
    const key = args[0]!;
    const fallback = args[1];
    const existing = dict.get(key);
    if (existing !== undefined) return existing;
    if (dict.length >= call.thread.maxValueLength) call.thread.checkLength(dict.length + 1, 'dict', 'setdefault');
    dict.set(key, fallback ?? None);
    return fallback ?? None;
  },
  update: (dict, call) => {
    updateDict(dict, call);
    return None;
  },
});

/** `d.update(pairs_or_dict, **kwargs)`, also used by `dict(...)`. */
export function updateDict(dict: Dict, call: BuiltinCall): void {
  if (call.args.length > 1) throw runtimeError(`${call.name}: got ${call.args.length} positional arguments, want at most 1`);
  const [source] = call.args;
  if (source !== undefined) {
    if (source instanceof Dict) {
      for (const entry of [...source.table.entries()]) dict.set(entry.key, entry.value);
    } else {
      if (!isIterable(source)) throw runtimeError(`got ${source.type}, want iterable or dict (${source.type} is not iterable)`);
      collectValues(source, call.thread).forEach((pair, index) => {
        let items: Value[];
        try {
          items = collectValues(pair, call.thread);
        } catch {
          throw runtimeError(`cannot convert dictionary update sequence element #${index} (${pair.type}) to a pair: not iterable`);
        }
        if (items.length !== 2) throw runtimeError(`dictionary update sequence element #${index} has length ${items.length}, want 2 (non-pair element)`);
        dict.set(items[0], items[1]);
      });
    }
  }
  for (const [name, value] of call.kwargs) dict.set(Str.of(name), value);
  call.thread.checkLength(dict.length, 'dict', call.name);
}
