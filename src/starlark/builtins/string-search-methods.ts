import { runtimeError } from '../errors.js';
import { Bool } from '../values/bool.js';
import type { BuiltinCall } from '../values/builtin.js';
import { Int } from '../values/int.js';
import { NoneType } from '../values/none.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import { describeValue } from '../values/describe-value.js';
import type { Thread } from '../eval/thread.js';
import { methodTable } from './method-table.js';
import { substringBounds } from './string-indices.js';
import { expectInt, expectString, unpackArgs, wrongType } from './unpack-args.js';

/** Searching and replacing within strings. */
export const stringSearchMethods = methodTable<Str>({
  count: (receiver, call) => {
    const [needle, from, to] = search(receiver, call);
    const text = receiver.value.slice(from, to);
    if (needle.length === 0) return Int.of(text.length + 1);
    let count = 0;
    for (let index = text.indexOf(needle); index >= 0; index = text.indexOf(needle, index + needle.length)) count++;
    return Int.of(count);
  },
  find: (receiver, call) => Int.of(find(receiver, call, false)),
  rfind: (receiver, call) => Int.of(find(receiver, call, true)),
  index: (receiver, call) => Int.of(findOrFail(receiver, call, false)),
  rindex: (receiver, call) => Int.of(findOrFail(receiver, call, true)),
  startswith: (receiver, call) => affix(receiver, call, 'prefix', (text, candidate) => text.startsWith(candidate)),
  endswith: (receiver, call) => affix(receiver, call, 'suffix', (text, candidate) => text.endsWith(candidate)),
  replace: (receiver, call) => {
    const [oldValue, newValue, countValue] = unpackArgs(call, ['old', 'new', 'count?']);
    const old = expectString(oldValue!, 'old');
    const replacement = expectString(newValue!, 'new');
    const limit = countValue === undefined || countValue instanceof NoneType ? -1 : expectInt(countValue, 'count');
    const result = replace(receiver.value, old, replacement, limit < 0 ? Infinity : limit, call.thread);
    call.thread.chargeBulk(result.length);
    return Str.of(result);
  },
  removeprefix: (receiver, call) => {
    const prefix = expectString(unpackArgs(call, ['prefix'])[0]!, 'prefix');
    return receiver.value.startsWith(prefix) ? Str.of(receiver.value.slice(prefix.length)) : receiver;
  },
  removesuffix: (receiver, call) => {
    const suffix = expectString(unpackArgs(call, ['suffix'])[0]!, 'suffix');
    return suffix && receiver.value.endsWith(suffix) ? Str.of(receiver.value.slice(0, -suffix.length)) : receiver;
  },
  partition: (receiver, call) => partition(receiver, call, false),
  rpartition: (receiver, call) => partition(receiver, call, true),
});

function search(receiver: Str, call: BuiltinCall): [string, number, number] {
  const [needle, start, end] = unpackArgs(call, ['sub', 'start?', 'end?']);
  const [from, to] = substringBounds(receiver.value.length, start, end);
  return [expectString(needle!, 'sub'), from, to];
}

function find(receiver: Str, call: BuiltinCall, fromRight: boolean): number {
  const [needle, from, to] = search(receiver, call);
  if (to - from < needle.length) return -1;
  const text = receiver.value.slice(from, to);
  const index = fromRight ? text.lastIndexOf(needle) : text.indexOf(needle);
  return index < 0 ? -1 : index + from;
}

function findOrFail(receiver: Str, call: BuiltinCall, fromRight: boolean): number {
  const index = find(receiver, call, fromRight);
  if (index < 0) throw runtimeError(`substring ${describeValue(unpackArgs(call, ['sub', 'start?', 'end?'])[0]!)} not found`);
  return index;
}

function affix(receiver: Str, call: BuiltinCall, parameter: string, test: (text: string, candidate: string) => boolean): Bool {
  const [candidates, start, end] = unpackArgs(call, [parameter, 'start?', 'end?']);
  const [from, to] = substringBounds(receiver.value.length, start, end);
  const text = receiver.value.slice(from, Math.max(from, to));
  const options: Value[] = candidates instanceof Tuple ? [...candidates.elements] : [candidates!];
  for (const option of options) {
    if (!(option instanceof Str)) throw wrongType(parameter, option, 'string or tuple of strings');
    if (test(text, option.value)) return Bool.True;
  }
  return Bool.False;
}

/** Python's str.replace, including the empty-`old` case that inserts between characters; the result is size-checked as it grows. */
function replace(text: string, old: string, replacement: string, limit: number, thread: Thread): string {
  // Only a replacement longer than what it replaces can grow the text.
  const growing = replacement.length > old.length;
  let result = '';
  let count = 0;
  if (old.length === 0) {
    for (let index = 0; index <= text.length; index++) {
      if (count < limit) {
        result += replacement;
        count++;
        if (growing) thread.checkLength(result.length + text.length - index, 'string', 'replace');
      }
      if (index < text.length) result += text[index];
    }
    return result;
  }
  let position = 0;
  while (count < limit) {
    const found = text.indexOf(old, position);
    if (found < 0) break;
    result += text.slice(position, found) + replacement;
    position = found + old.length;
    count++;
    if (growing) thread.checkLength(result.length + text.length - position, 'string', 'replace');
  }
  return result + text.slice(position);
}

function partition(receiver: Str, call: BuiltinCall, fromRight: boolean): Tuple {
  const separator = expectString(unpackArgs(call, ['sep'])[0]!, 'sep');
  if (separator.length === 0) throw runtimeError('empty separator');
  const text = receiver.value;
  const index = fromRight ? text.lastIndexOf(separator) : text.indexOf(separator);
  if (index < 0) {
    return fromRight ? new Tuple([Str.of(''), Str.of(''), receiver]) : new Tuple([receiver, Str.of(''), Str.of('')]);
  }
  return new Tuple([Str.of(text.slice(0, index)), Str.of(separator), Str.of(text.slice(index + separator.length))]);
}
