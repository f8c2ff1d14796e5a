import { runtimeError } from '../errors.js';
import { Bytes } from '../values/bytes.js';
import { Dict } from '../values/dict.js';
import { Int } from '../values/int.js';
import { isIndexable } from '../values/iteration.js';
import { List } from '../values/list.js';
import { None } from '../values/none.js';
import { Range } from '../values/range.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import type { Thread } from './thread.js';

/** `object[index]`. */
export function indexValue(object: Value, index: Value): Value {
  // Types tested by `constructor` on this hot path (see StarlarkValue).
  const type = object.constructor;
  if (type === Dict) {
    const value = (object as Dict).table.get(index);
    if (value === undefined) throw runtimeError(`key ${describeValue(index)} not in dict`);
    return value;
  }
  if ((type === List || type === Tuple) && index.constructor === Int && typeof (index as Int).value === 'number') {
    // In range: the element (a negative index counts from the end); otherwise the general path's error.
    const elements = (object as List | Tuple).elements;
    const at = (index as Int).value as number;
    const position = at < 0 ? at + elements.length : at;
    if (position >= 0 && position < elements.length) return elements[position];
  }
  if (object instanceof Str) return Str.of(object.value[normaliseIndex(index, object.value.length, object.type)]);
  if (object instanceof Bytes) return Int.of(object.value[normaliseIndex(index, object.value.length, object.type)]);
  if (isIndexable(object)) return object.elementAt(normaliseIndex(index, object.length, object.type));
  throw runtimeError(`unhandled index operation ${object.type}[${index.type}]`);
}

/** A valid non-negative index for `index` into a sequence of `length`, or an error. */
export function normaliseIndex(index: Value, length: number, type: string): number {
  if (!(index instanceof Int)) {
    throw runtimeError(`${type} index: got value of type '${index.type}', want int`);
  }
  const raw = typeof index.value === 'number' ? index.value : Number(index.value);
  const position = raw < 0 ? raw + length : raw;
  if (position < 0 || position >= length) throw runtimeError(`index ${index.value} out of range: ${type} has ${length} element${length === 1 ? '' : 's'}`);
  return position;
}

/** `object[index] = value`. */
export function setIndexValue(object: Value, index: Value, value: Value, thread: Thread): void {
  const type = object.constructor;
  if (type === List) {
    const list = object as List;
    list.checkMutable('assign to element of');
    list.elements[normaliseIndex(index, list.elements.length, 'list')] = value;
    return;
  }
  if (type === Dict) {
    const dict = object as Dict;
    if (dict.length >= thread.maxValueLength && !dict.table.has(index)) thread.checkLength(dict.length + 1, 'dict', 'item assignment');
    dict.set(index, value);
    return;
  }
  throw runtimeError(`${object.type} value does not support item assignment (it is immutable or not indexable)`);
}

/** Start, stop and step of a slice over `length` elements, clamped as in Python. */
export function sliceBounds(length: number, start: Value, stop: Value, step: Value): [number, number, number] {
  const stride = step === None ? 1 : sliceInteger(step);
  if (stride === 0) throw runtimeError('slice step cannot be zero');
  if (stride > 0) return [sliceBound(start, length, 0, 0, length), sliceBound(stop, length, length, 0, length), stride];
  return [sliceBound(start, length, length - 1, -1, length - 1), sliceBound(stop, length, -1, -1, length - 1), stride];
}

/** One bound of a slice: None gives `fallback`; a negative index counts from the end; clamped to [lower, upper]. */
function sliceBound(bound: Value, length: number, fallback: number, lower: number, upper: number): number {
  if (bound === None) return fallback;
  let value = sliceInteger(bound);
  if (value < 0) value += length;
  return value < lower ? lower : value > upper ? upper : value;
}

function sliceInteger(value: Value): number {
  if (value.constructor !== Int) throw runtimeError(`slice index: got value of type '${value.type}', want int or None`);
  return Number((value as Int).value);
}

/** `object[start:stop:step]` for strings, bytes, lists, tuples and ranges. */
export function sliceValue(object: Value, start: Value, stop: Value, step: Value): Value {
  if (object.constructor === Str && step === None) {
    // The everyday `text[a:b]`: no bounds array.
    const text = (object as Str).value;
    const from = sliceBound(start, text.length, 0, 0, text.length);
    const to = sliceBound(stop, text.length, text.length, 0, text.length);
    return Str.of(from < to ? text.slice(from, to) : '');
  }
  if (object instanceof Str) {
    const [from, to, stride] = sliceBounds(object.value.length, start, stop, step);
    if (stride === 1) return Str.of(from < to ? object.value.slice(from, to) : '');
    let text = '';
    for (const index of sliceIndices(from, to, stride)) text += object.value[index];
    return Str.of(text);
  }
  if (object instanceof Bytes) {
    const [from, to, stride] = sliceBounds(object.value.length, start, stop, step);
    return new Bytes(Uint8Array.from(sliceIndices(from, to, stride), (index) => object.value[index]));
  }
  if (object instanceof List || object instanceof Tuple) {
    const [from, to, stride] = sliceBounds(object.elements.length, start, stop, step);
    const elements = stride === 1 ? object.elements.slice(from, Math.max(from, to)) : sliceIndices(from, to, stride).map((index) => object.elements[index]);
    return object instanceof List ? new List(elements) : new Tuple(elements);
  }
  if (object instanceof Range) {
    const [from, to, stride] = sliceBounds(object.length, start, stop, step);
    return new Range(object.start + from * object.step, object.start + to * object.step, object.step * stride);
  }
  throw runtimeError(`invalid slice operand ${object.type}`);
}

function sliceIndices(from: number, to: number, stride: number): number[] {
  const indices: number[] = [];
  if (stride > 0) for (let index = from; index < to; index += stride) indices.push(index);
  else for (let index = from; index > to; index += stride) indices.push(index);
  return indices;
}
