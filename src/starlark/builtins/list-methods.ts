import { runtimeError } from '../errors.js';
import { valuesEqual } from '../values/compare.js';
import { Int } from '../values/int.js';
import type { List } from '../values/list.js';
import { None } from '../values/none.js';
import { describeValue } from '../values/describe-value.js';
import { appendAll } from '../values/append-all.js';
import { collectValues } from '../eval/iterate.js';
import { methodTable } from './method-table.js';
import { substringBounds } from './string-indices.js';
import { expectInt, unpackArgs, unpackPositional } from './unpack-args.js';

/** The methods of list values. */
export const listMethods = methodTable<List>({
  append: (list, call) => {
    const value = unpackPositional(call, 1, 1)[0];
    list.checkMutable('append to');
    if (list.elements.length >= call.thread.maxValueLength) call.thread.checkLength(list.elements.length + 1, 'list', 'append');
    list.elements.push(value);
    return None;
  },
  clear: (list, call) => {
    unpackPositional(call, 0, 0);
    list.checkMutable('clear');
    list.elements.length = 0;
    return None;
  },
  extend: (list, call) => {
    const [iterable] = unpackArgs(call, ['iterable']);
    list.checkMutable('extend');
    const additions = collectValues(iterable!, call.thread);
    call.thread.checkLength(list.elements.length + additions.length, 'list', 'extend');
    appendAll(list.elements, additions);
    return None;
  },
  index: (list, call) => {
    const [value, start, end] = unpackArgs(call, ['x', 'start?', 'end?']);
    const [from, to] = substringBounds(list.elements.length, start, end);
    for (let index = from; index < to; index++) if (valuesEqual(list.elements[index], value!)) return Int.of(index);
    throw runtimeError(`index: value ${describeValue(value!)} not in list (not found)`);
  },
  insert: (list, call) => {
    const [indexValue, value] = unpackPositional(call, 2, 2);
    list.checkMutable('insert into');
    const length = list.elements.length;
    call.thread.checkLength(length + 1, 'list', 'insert');
    let index = expectInt(indexValue, 'index');
    if (index < 0) index += length;
    list.elements.splice(Math.min(Math.max(index, 0), length), 0, value);
    return None;
  },
  pop: (list, call) => {
    const [indexValue] = unpackPositional(call, 0, 1);
    const length = list.elements.length;
    let index = indexValue === undefined ? length - 1 : expectInt(indexValue, 'index');
    if (index < 0 && indexValue !== undefined) index += length;
    if (index < 0 || index >= length) throw runtimeError(`pop: index ${indexValue === undefined ? -1 : describeValue(indexValue)} out of range (list has ${length} elements)`);
    list.checkMutable('pop from');
    return list.elements.splice(index, 1)[0];
  },
  remove: (list, call) => {
    const [value] = unpackPositional(call, 1, 1);
    list.checkMutable('remove from');
    const index = list.elements.findIndex((element) => valuesEqual(element, value));
    if (index < 0) throw runtimeError(`remove: element ${describeValue(value)} not found`);
    list.elements.splice(index, 1);
    return None;
  },
});
