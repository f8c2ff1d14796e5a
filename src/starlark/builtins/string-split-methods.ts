import { runtimeError } from '../errors.js';
import type { BuiltinCall } from '../values/builtin.js';
import { List } from '../values/list.js';
import { Tuple } from '../values/tuple.js';
import { NoneType } from '../values/none.js';
import { Str } from '../values/str.js';
import type { Value } from '../values/value.js';
import { collectValues } from '../eval/iterate.js';
import { methodTable } from './method-table.js';
import { isWhitespace } from './unicode-case.js';
import { expectBool, expectString, optionalInt, unpackArgs } from './unpack-args.js';


/** Splitting, joining and trimming strings. */
export const stringSplitMethods = methodTable<Str>({
  split: (receiver, call) => split(receiver, call, false),
  rsplit: (receiver, call) => split(receiver, call, true),
  splitlines: (receiver, call) => {
    const [keepends] = unpackArgs(call, ['keepends?']);
    const keep = keepends === undefined ? false : expectBool(keepends, 'keepends');
    const lines: Value[] = [];
    const pattern = /\r\n|\r|\n/g;
    let start = 0;
    for (let match = pattern.exec(receiver.value); match; match = pattern.exec(receiver.value)) {
      lines.push(Str.of(receiver.value.slice(start, keep ? match.index + match[0].length : match.index)));
      start = match.index + match[0].length;
    }
    if (start < receiver.value.length) lines.push(Str.of(receiver.value.slice(start)));
    return new List(lines);
  },
  strip: (receiver, call) => Str.of(trim(receiver.value, call, true, true)),
  lstrip: (receiver, call) => Str.of(trim(receiver.value, call, true, false)),
  rstrip: (receiver, call) => Str.of(trim(receiver.value, call, false, true)),
  join: (receiver, call) => {
    const elements = unpackArgs(call, ['elements'])[0]!;
    // Lists and tuples are read in place; other iterables are collected (a step per element).
    let items: readonly Value[];
    if (elements.constructor === List || elements.constructor === Tuple) {
      items = (elements as List | Tuple).elements;
      if (items.length > 0) call.thread.charge(items.length);
    } else {
      items = collectValues(elements, call.thread);
    }
    const parts = new Array<string>(items.length);
    let length = Math.max(0, items.length - 1) * receiver.value.length;
    for (let index = 0; index < items.length; index++) {
      const element = items[index];
      if (element.constructor !== Str) {
        throw runtimeError(`join: in list, want string, got ${element.type} (expected string elements, element ${index} is not)`);
      }
      const text = (element as Str).value;
      parts[index] = text;
      length += text.length;
    }
    call.thread.checkLength(length, 'string', 'join');
    call.thread.chargeBulk(length);
    return Str.of(parts.join(receiver.value));
  },
});

function split(receiver: Str, call: BuiltinCall, fromRight: boolean): List {
  const [separatorValue, maxsplitValue] = unpackArgs(call, ['sep?', 'maxsplit?']);
  const maxsplit = optionalInt(maxsplitValue, 'maxsplit', -1);
  const limit = maxsplit < 0 ? Infinity : maxsplit;
  const text = receiver.value;
  if (separatorValue === undefined || separatorValue instanceof NoneType) {
    return new List(splitWhitespace(text, limit, fromRight).map((part) => Str.of(part)));
  }
  const separator = expectString(separatorValue, 'sep');
  if (separator.length === 0) throw runtimeError('empty separator');
  const parts: string[] = [];
  if (fromRight) {
    let end = text.length;
    while (parts.length < limit) {
      const index = text.lastIndexOf(separator, end - separator.length);
      if (index < 0 || end - separator.length < 0) break;
      parts.unshift(text.slice(index + separator.length, end));
      end = index;
    }
    parts.unshift(text.slice(0, end));
  } else {
    let start = 0;
    while (parts.length < limit) {
      const index = text.indexOf(separator, start);
      if (index < 0) break;
      parts.push(text.slice(start, index));
      start = index + separator.length;
    }
    parts.push(text.slice(start));
  }
  return new List(parts.map((part) => Str.of(part)));
}

/** Python's whitespace split: runs of whitespace separate, ends are ignored. */
function splitWhitespace(text: string, limit: number, fromRight: boolean): string[] {
  const parts: string[] = [];
  if (fromRight) {
    let end = text.length;
    for (;;) {
      while (end > 0 && isWhitespace(text[end - 1])) end--;
      if (end === 0) break;
      if (parts.length === limit) {
        parts.unshift(text.slice(0, end));
        break;
      }
      let start = end;
      while (start > 0 && !isWhitespace(text[start - 1])) start--;
      parts.unshift(text.slice(start, end));
      end = start;
    }
    return parts;
  }
  let start = 0;
  for (;;) {
    while (start < text.length && isWhitespace(text[start])) start++;
    if (start === text.length) break;
    if (parts.length === limit) {
      parts.push(text.slice(start));
      break;
    }
    let end = start;
    while (end < text.length && !isWhitespace(text[end])) end++;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

function trim(text: string, call: BuiltinCall, left: boolean, right: boolean): string {
  const [charsValue] = unpackArgs(call, ['chars?']);
  const strip =
    charsValue === undefined || charsValue instanceof NoneType
      ? isWhitespace
      : ((chars: string) => (character: string) => chars.includes(character))(expectString(charsValue, 'chars'));
  let start = 0;
  let end = text.length;
  if (left) while (start < end && strip(text[start])) start++;
  if (right) while (end > start && strip(text[end - 1])) end--;
  return text.slice(start, end);
}
