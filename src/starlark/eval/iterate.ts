import { runtimeError } from '../errors.js';
import { isIterable, type StarlarkIterator } from '../values/iteration.js';
import { List } from '../values/list.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import type { Thread } from './thread.js';

/** Starts iterating `value`, or fails with the standard `not iterable` error. */
export function iterateValue(value: Value): StarlarkIterator {
  if (isIterable(value)) return value.iterate();
  throw notIterable(value);
}

export function notIterable(value: Value): Error {
  return runtimeError(`got value of type '${value.type}', want iterable (${value.type} is not iterable)`);
}

/**
 * All elements of an iterable as an array (the iteration lock is released before returning).
 * With a thread, each element costs a step and the array may not pass maxValueLength, so
 * `list(range(1 << 40))` stops at a limit instead of exhausting memory.
 */
export function collectValues(value: Value, thread?: Thread): Value[] {
  const type = value.constructor;
  if ((type === List || type === Tuple) && (!thread || (value as List | Tuple).elements.length <= thread.maxValueLength)) {
    // Copied at once, charged as one step per element like the loop below; nothing runs
    // between the elements, so the iteration lock the loop would hold is never observable.
    const elements = (value as List | Tuple).elements;
    if (thread && elements.length > 0) thread.charge(elements.length);
    return elements.slice();
  }
  const iterator = iterateValue(value);
  const values: Value[] = [];
  try {
    for (let element = iterator.next(); element !== undefined; element = iterator.next()) {
      if (thread) {
        thread.step();
        if (values.length >= thread.maxValueLength) thread.checkLength(values.length + 1, 'list', 'iteration');
      }
      values.push(element);
    }
  } finally {
    iterator.done();
  }
  return values;
}
