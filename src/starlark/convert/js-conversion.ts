import { runtimeError } from '../errors.js';
import { Bool } from '../values/bool.js';
import { Bytes } from '../values/bytes.js';
import { Dict } from '../values/dict.js';
import { Float } from '../values/float.js';
import { Int } from '../values/int.js';
import { List } from '../values/list.js';
import { None, NoneType } from '../values/none.js';
import { StarlarkSet } from '../values/set.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import { StarlarkValue, type Value } from '../values/value.js';

/** What toJs produces (and fromJs accepts). */
export type JsValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | JsValue[]
  | { [key: string]: JsValue }
  | Map<JsValue, JsValue>
  | Set<JsValue>
  | StarlarkValue;

export interface ToJsOptions {
  /** `object` (default) turns string-keyed dicts into plain objects; `map` always yields a Map. */
  readonly dicts?: 'object' | 'map';
}

/**
 * Converts a Starlark value to plain JS: None → null, int → number (bigint beyond 2^53),
 * list/tuple → array, dict → object (or Map for non-string keys), set → Set. Functions and
 * host values are returned as they are.
 */
export function toJs(value: Value, options: ToJsOptions = {}): JsValue {
  if (value instanceof NoneType) return null;
  if (value instanceof Bool) return value.value;
  if (value instanceof Int) return value.value;
  if (value instanceof Float) return value.value;
  if (value instanceof Str) return value.value;
  if (value instanceof Bytes) return value.value;
  if (value instanceof List || value instanceof Tuple) return value.elements.map((element) => toJs(element, options));
  if (value instanceof StarlarkSet) return new Set(value.elements().map((element) => toJs(element, options)));
  if (value instanceof Dict) {
    const entries = [...value.table.entries()];
    if (options.dicts !== 'map' && entries.every((entry) => entry.key instanceof Str)) {
      const object: { [key: string]: JsValue } = {};
      for (const entry of entries) object[(entry.key as Str).value] = toJs(entry.value, options);
      return object;
    }
    return new Map(entries.map((entry) => [toJs(entry.key, options), toJs(entry.value, options)]));
  }
  return value;
}

/**
 * Converts plain JS data to Starlark: null/undefined → None, integral numbers → int (other
 * numbers → float), arrays → list, plain objects and Maps → dict, Sets → set.
 */
export function fromJs(value: unknown): Value {
  if (value === null || value === undefined) return None;
  if (value instanceof StarlarkValue) return value;
  switch (typeof value) {
    case 'boolean':
      return Bool.of(value);
    case 'number':
      return Number.isInteger(value) ? Int.of(value) : Float.of(value);
    case 'bigint':
      return Int.of(value);
    case 'string':
      return Str.of(value);
    default:
      break;
  }
  if (value instanceof Uint8Array) return new Bytes(value);
  if (Array.isArray(value)) return new List(value.map(fromJs));
  if (value instanceof Set) return new StarlarkSet([...value].map(fromJs));
  const dict = new Dict();
  if (value instanceof Map) {
    for (const [key, item] of value) dict.table.set(fromJs(key), fromJs(item));
    return dict;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) dict.table.set(Str.of(key), fromJs(item));
    return dict;
  }
  throw runtimeError(`fromJs: cannot convert ${typeof value} to a Starlark value`);
}
