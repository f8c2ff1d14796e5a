import type { BuiltinCall } from '../values/builtin.js';
import { compareScalars, compareValues } from '../values/compare.js';
import { NoneType } from '../values/none.js';
import type { Value } from '../values/value.js';

/**
 * Up to this many values, when every comparison is between two strings or two ints, are sorted
 * by a plain insertion sort: V8's Array.prototype.sort allocates its bookkeeping (a state object,
 * a copy of the array, a stack of runs) on every call, which for the thousands of three-element
 * `sorted([...])` calls of a workflow program was a tenth of everything it allocated.
 */
const SMALL_SORT_LIMIT = 16;

/** Sorts values (stably) by Starlark order, optionally by `key(value)`. */
export function sortValues(call: BuiltinCall, values: Value[], key: Value | undefined, reverse: boolean): Value[] {
  const keys = key === undefined || key instanceof NoneType ? values : values.map((value) => call.thread.call(key, [value]));
  if (values.length <= SMALL_SORT_LIMIT) {
    const sorted = sortScalarsSmall(values, keys, reverse);
    if (sorted) return sorted;
  }
  const order = values.map((_, index) => index);
  order.sort((left, right) => {
    const result = compareValues(keys[left], keys[right]);
    return reverse ? -result : result;
  });
  return order.map((index) => values[index]);
}

/**
 * A stable insertion sort of `values` by `keys` when every pair it compares is two strings or
 * two ints (whose order cannot fail), else undefined and the caller sorts as usual: comparing
 * has no side effects, so giving up part-way is invisible. Strings and ints are totally
 * ordered, so any stable sort gives this same result.
 */
function sortScalarsSmall(values: readonly Value[], keys: readonly Value[], reverse: boolean): Value[] | undefined {
  const sortedValues = values.slice();
  const sortedKeys = keys.slice();
  for (let index = 1; index < sortedKeys.length; index++) {
    const value = sortedValues[index];
    const valueKey = sortedKeys[index];
    let position = index;
    while (position > 0) {
      const order = compareScalars(sortedKeys[position - 1], valueKey);
      if (order === undefined) return undefined;
      if (reverse ? order >= 0 : order <= 0) break;
      sortedValues[position] = sortedValues[position - 1];
      sortedKeys[position] = sortedKeys[position - 1];
      position--;
    }
    sortedValues[position] = value;
    sortedKeys[position] = valueKey;
  }
  return sortedValues;
}
