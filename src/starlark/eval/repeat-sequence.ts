import { Bytes } from '../values/bytes.js';
import type { Int } from '../values/int.js';
import { List } from '../values/list.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { appendAll } from '../values/append-all.js';
import type { SizedShape, Thread } from './thread.js';

/**
 * `sequence * n`: n repetitions (none when n <= 0); undefined when `sequence` is not
 * repeatable. The result's size is checked (and its steps charged) before it is built.
 */
export function repeatSequence(sequence: Value, count: Int, thread: Thread): Value | undefined {
  if (!(sequence instanceof Str || sequence instanceof List || sequence instanceof Tuple || sequence instanceof Bytes)) return undefined;
  const times = typeof count.value === 'bigint' ? (count.value < 0n ? 0 : Infinity) : Math.max(0, count.value);
  const length = sequence instanceof Str || sequence instanceof Bytes ? sequence.value.length : sequence.elements.length;
  const repetitions = length === 0 ? 0 : times;
  const size = length * repetitions;
  thread.checkLength(size, shapeOf(sequence), "'*'");
  thread.chargeBulk(size);
  if (sequence instanceof Str) return Str.of(sequence.value.repeat(repetitions));
  if (sequence instanceof Bytes) {
    const result = new Uint8Array(size);
    for (let index = 0; index < repetitions; index++) result.set(sequence.value, index * length);
    return new Bytes(result);
  }
  const elements: Value[] = [];
  for (let index = 0; index < repetitions; index++) appendAll(elements, sequence.elements);
  return sequence instanceof List ? new List(elements) : new Tuple(elements);
}

function shapeOf(sequence: Str | List | Tuple | Bytes): SizedShape {
  return sequence instanceof Str ? 'string' : sequence instanceof Bytes ? 'bytes' : sequence instanceof List ? 'list' : 'tuple';
}
