import { runtimeError } from '../errors.js';
import { Bool } from '../values/bool.js';
import type { BuiltinCall } from '../values/builtin.js';
import { None } from '../values/none.js';
import { StarlarkSet } from '../values/set.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import { collectValues } from '../eval/iterate.js';
import { methodTable } from './method-table.js';
import { unpackPositional } from './unpack-args.js';

/** Every positional argument as a set (each must be iterable). */
function others(call: BuiltinCall): StarlarkSet[] {
  unpackPositional(call, 0, Infinity);
  return call.args.map((argument) => (argument instanceof StarlarkSet ? argument : new StarlarkSet(collectValues(argument, call.thread))));
}

function one(call: BuiltinCall): StarlarkSet {
  unpackPositional(call, 1, 1);
  return others(call)[0];
}

function replaceContents(set: StarlarkSet, elements: Value[]): void {
  set.checkMutable('update');
  set.table.clear();
  for (const element of elements) set.addUnchecked(element);
}

/** The methods of set values. */
export const setMethods = methodTable<StarlarkSet>({
  add: (set, call) => {
    const [element] = unpackPositional(call, 1, 1);
    if (set.has(element)) return None;
    set.checkMutable('insert into');
    if (set.length >= call.thread.maxValueLength) call.thread.checkLength(set.length + 1, 'set', 'add');
    set.addUnchecked(element);
    return None;
  },
  clear: (set, call) => {
    unpackPositional(call, 0, 0);
    set.checkMutable('clear');
    set.table.clear();
    return None;
  },
  discard: (set, call) => {
    const [element] = unpackPositional(call, 1, 1);
    if (!set.has(element)) return None;
    set.checkMutable('delete from');
    set.table.delete(element);
    return None;
  },
  remove: (set, call) => {
    const [element] = unpackPositional(call, 1, 1);
    set.checkMutable('delete from');
    if (!set.table.delete(element)) throw runtimeError(`remove: element ${describeValue(element)} not found`);
    return None;
  },
  pop: (set, call) => {
    unpackPositional(call, 0, 0);
    set.checkMutable('delete from');
    const first = set.table.first();
    if (!first) throw runtimeError('pop: empty set');
    set.table.delete(first.key);
    return first.key;
  },
  union: (set, call) => sizedSet(call, new StarlarkSet([...set.elements(), ...others(call).flatMap((other) => other.elements())])),
  update: (set, call) => {
    const additions = others(call).flatMap((other) => other.elements());
    set.checkMutable('insert into');
    for (const element of additions) set.addUnchecked(element);
    sizedSet(call, set);
    return None;
  },
  intersection: (set, call) => new StarlarkSet(intersect(set, others(call))),
  intersection_update: (set, call) => (replaceContents(set, intersect(set, others(call))), None),
  difference: (set, call) => new StarlarkSet(subtract(set, others(call))),
  difference_update: (set, call) => (replaceContents(set, subtract(set, others(call))), None),
  symmetric_difference: (set, call) => new StarlarkSet(symmetric(set, one(call))),
  symmetric_difference_update: (set, call) => (replaceContents(set, symmetric(set, one(call))), None),
  isdisjoint: (set, call) => Bool.of(!one(call).elements().some((element) => set.has(element))),
  issubset: (set, call) => Bool.of(set.isSubsetOf(one(call))),
  issuperset: (set, call) => Bool.of(one(call).isSubsetOf(set)),
});

/** A union may be as large as all its operands together: checked once built, and charged. */
function sizedSet(call: BuiltinCall, set: StarlarkSet): StarlarkSet {
  call.thread.checkLength(set.length, 'set', call.name);
  call.thread.chargeBulk(set.length);
  return set;
}

function intersect(set: StarlarkSet, sets: StarlarkSet[]): Value[] {
  return set.elements().filter((element) => sets.every((other) => other.has(element)));
}

function subtract(set: StarlarkSet, sets: StarlarkSet[]): Value[] {
  return set.elements().filter((element) => !sets.some((other) => other.has(element)));
}

function symmetric(set: StarlarkSet, other: StarlarkSet): Value[] {
  return [...subtract(set, [other]), ...other.elements().filter((element) => !set.has(element))];
}
