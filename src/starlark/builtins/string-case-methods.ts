import { lazyRegExp } from '../../util/index.js';
import type { BuiltinCall } from '../values/builtin.js';
import { Bool } from '../values/bool.js';
import { StringElems } from '../values/elems.js';
import { Str } from '../values/str.js';
import { methodTable } from './method-table.js';
import { isCased, isLowercase, isTitlecase, isUppercase, isWhitespace, toTitlecase } from './unicode-case.js';
import { unpackPositional } from './unpack-args.js';

const isLetter = lazyRegExp(() => /\p{L}/u);
const isDecimalDigit = lazyRegExp(() => /\p{Nd}/u);

/** Case mapping may lengthen text (`ß` → `SS`): the result is size-checked and charged. */
function caseMapped(call: BuiltinCall, text: string): Str {
  call.thread.checkLength(text.length, 'string', call.name);
  call.thread.chargeBulk(text.length);
  return Str.of(text);
}

function noArguments(call: BuiltinCall): void {
  unpackPositional(call, 0, 0);
}

/** Case conversion and character-class predicates of strings (Python semantics). */
export const stringCaseMethods = methodTable<Str>({
  capitalize: (receiver, call) => {
    noArguments(call);
    const text = receiver.value;
    if (text.length === 0) return receiver;
    const first = String.fromCodePoint(text.codePointAt(0)!);
    return caseMapped(call, toTitlecase(first) + text.slice(first.length).toLowerCase());
  },
  lower: (receiver, call) => (noArguments(call), caseMapped(call, receiver.value.toLowerCase())),
  upper: (receiver, call) => (noArguments(call), caseMapped(call, receiver.value.toUpperCase())),
  title: (receiver, call) => {
    noArguments(call);
    // Python's rule: a character following a cased one is lowercased, any other is titlecased.
    let previousCased = false;
    let result = '';
    for (const character of receiver.value) {
      result += previousCased ? character.toLowerCase() : toTitlecase(character);
      previousCased = isCased(character);
    }
    return caseMapped(call, result);
  },
  elems: (receiver, call) => (noArguments(call), new StringElems(receiver.value)),
  isalnum: (receiver, call) => predicate(call, receiver.value, (character) => isLetter(character) || isDecimalDigit(character)),
  isalpha: (receiver, call) => predicate(call, receiver.value, isLetter),
  isdigit: (receiver, call) => predicate(call, receiver.value, isDecimalDigit),
  isspace: (receiver, call) => predicate(call, receiver.value, isWhitespace),
  islower: (receiver, call) => (noArguments(call), Bool.of(allCasedAre(receiver.value, isLowercase, isUppercase))),
  isupper: (receiver, call) => (noArguments(call), Bool.of(allCasedAre(receiver.value, isUppercase, isLowercase))),
  istitle: (receiver, call) => {
    noArguments(call);
    // Upper- and titlecase letters may only follow uncased characters, lowercase only cased ones.
    let previousCased = false;
    let sawCased = false;
    for (const character of receiver.value) {
      if (isUppercase(character) || isTitlecase(character)) {
        if (previousCased) return Bool.False;
        previousCased = true;
        sawCased = true;
      } else if (isLowercase(character)) {
        if (!previousCased) return Bool.False;
        previousCased = true;
        sawCased = true;
      } else {
        previousCased = false;
      }
    }
    return Bool.of(sawCased);
  },
});

/**
 * True when the text has a cased character of the wanted case and none of the opposite case or
 * titlecase (so `"ǅ".isupper()` and `"ǅ".islower()` are both False, as in Python).
 */
function allCasedAre(text: string, wanted: (character: string) => boolean, opposite: (character: string) => boolean): boolean {
  let sawWanted = false;
  for (const character of text) {
    if (opposite(character) || isTitlecase(character)) return false;
    if (!sawWanted && wanted(character)) sawWanted = true;
  }
  return sawWanted;
}

function predicate(call: BuiltinCall, text: string, test: (character: string) => boolean): Bool {
  noArguments(call);
  const characters = [...text];
  return Bool.of(characters.length > 0 && characters.every(test));
}
