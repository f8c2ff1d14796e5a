import { runtimeError } from '../errors.js';
import { Bytes } from '../values/bytes.js';
import { valuesEqual } from '../values/compare.js';
import { Dict } from '../values/dict.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { List } from '../values/list.js';
import { Range } from '../values/range.js';
import { StarlarkSet } from '../values/set.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';

/** `needle in container`, per the spec's membership rules. */
export function containsValue(container: Value, needle: Value): boolean {
  if (container instanceof List || container instanceof Tuple) {
    return container.elements.some((element) => valuesEqual(element, needle));
  }
  if (container instanceof Dict) return container.table.has(needle);
  if (container instanceof StarlarkSet) return container.has(needle);
  if (container instanceof Str) {
    if (!(needle instanceof Str)) throw runtimeError(`'in <string>' requires string as left operand, not ${needle.type}`);
    return container.value.includes(needle.value);
  }
  if (container instanceof Bytes) return bytesContain(container.value, needle);
  if (container instanceof Range) return rangeContains(container, needle);
  throw runtimeError(`unsupported binary operation: ${needle.type} in ${container.type}`);
}

/** The spec: `x in range` is true when x equals a member; it fails unless x is a number. */
function rangeContains(range: Range, needle: Value): boolean {
  if (needle instanceof Int) return typeof needle.value === 'number' && range.contains(needle.value);
  if (needle instanceof Float) return Number.isSafeInteger(needle.value) && range.contains(needle.value);
  throw runtimeError(`'in <range>' requires integer as left operand, not ${needle.type}`);
}

function bytesContain(haystack: Uint8Array, needle: Value): boolean {
  if (needle instanceof Int) {
    const byte = needle.toSafeNumber();
    if (byte === undefined || byte < 0 || byte > 255) throw runtimeError(`int in bytes: ${needle.value} out of range`);
    return haystack.includes(byte);
  }
  if (!(needle instanceof Bytes)) throw runtimeError(`'in <bytes>' requires bytes or int as left operand, not ${needle.type}`);
  const pattern = needle.value;
  outer: for (let start = 0; start + pattern.length <= haystack.length; start++) {
    for (let index = 0; index < pattern.length; index++) if (haystack[start + index] !== pattern[index]) continue outer;
    return true;
  }
  return false;
}
