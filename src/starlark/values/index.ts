export { StarlarkValue, CompositeKey, unhashable, type Value, type HashKey } from './value.js';
export type { ReprWriter } from './repr-writer.js';
export { None, NoneType } from './none.js';
export { Bool, True, False } from './bool.js';
export { Int } from './int.js';
export { Float, compareFloats } from './float.js';
export { formatFloatShortest, formatFloatExponent, formatFloatFixed } from './float-format.js';
export { Str, quoteString, stringHash } from './str.js';
export { Bytes, quoteBytes, bytesHash } from './bytes.js';
export { List } from './list.js';
export { Tuple } from './tuple.js';
export { Dict } from './dict.js';
export { StarlarkSet } from './set.js';
export { Range } from './range.js';
export { StringElems, BytesElems } from './elems.js';
export { HashTable, type HashTableEntry } from './hash-table.js';
export { StarlarkFunction, Cell, type FunctionCode, type KeywordArguments } from './function.js';
export { Builtin, type BuiltinCall, type BuiltinImplementation } from './builtin.js';
export { HostValue } from './host-value.js';
export { Struct } from './struct.js';
export { valuesEqual, compareValues } from './compare.js';
export {
  isIterable,
  isIndexable,
  ArrayIterator,
  type IterableValue,
  type IndexableValue,
  type StarlarkIterator,
} from './iteration.js';
