import { runtimeError } from '../errors.js';
import type { Builtin } from '../values/builtin.js';
import { Bytes } from '../values/bytes.js';
import { Dict } from '../values/dict.js';
import { HostValue } from '../values/host-value.js';
import { List } from '../values/list.js';
import { StarlarkSet } from '../values/set.js';
import { Str } from '../values/str.js';
import type { Value } from '../values/value.js';
import { bytesMethods } from './bytes-methods.js';
import { dictMethods } from './dict-methods.js';
import { listMethods } from './list-methods.js';
import { mergeTables, methodTable, type MethodTable } from './method-table.js';
import { setMethods } from './set-methods.js';
import { stringCaseMethods } from './string-case-methods.js';
import { formatMethod } from './string-format.js';
import { stringSearchMethods } from './string-search-methods.js';
import { stringSplitMethods } from './string-split-methods.js';

const stringMethods = mergeTables(stringCaseMethods, stringSearchMethods, stringSplitMethods, methodTable<Str>({ format: formatMethod }));

function methodsOf(value: Value): MethodTable | undefined {
  if (value instanceof Str) return stringMethods;
  if (value instanceof List) return listMethods;
  if (value instanceof Dict) return dictMethods;
  if (value instanceof StarlarkSet) return setMethods;
  if (value instanceof Bytes) return bytesMethods;
  return undefined;
}

/** The unbound builtin method `name` of a core value (for direct calls), if any. */
export function findMethod(value: Value, name: string): Builtin | undefined {
  return methodsOf(value)?.get(name);
}

/** `value.name`: a bound method or a host attribute; undefined when there is none. */
export function tryGetAttribute(value: Value, name: string): Value | undefined {
  if (value instanceof HostValue) return value.attr(name);
  return findMethod(value, name)?.bindTo(value);
}

/** `value.name`, failing with `has no field or method`. */
export function getAttribute(value: Value, name: string): Value {
  const attribute = tryGetAttribute(value, name);
  if (attribute === undefined) throw runtimeError(`'${value.type}' value has no field or method '${name}'`);
  return attribute;
}

/** The sorted attribute names `dir(value)` reports. */
export function attributeNames(value: Value): string[] {
  if (value instanceof HostValue) return [...value.attrNames()].sort();
  return [...(methodsOf(value)?.keys() ?? [])].sort();
}
