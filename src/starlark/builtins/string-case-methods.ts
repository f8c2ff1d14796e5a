import type { BuiltinCall } from '../values/builtin.js';
import { Bool } from '../values/bool.js';
import { StringElems } from '../values/elems.js';
import { Str } from '../values/str.js';
import { methodTable } from './method-table.js';
import { unpackPositional } from './unpack-args.js';

const isCased = (character: string): boolean => character.toLowerCase() !== character.toUpperCase();
const isUpper = (character: string): boolean => isCased(character) && character === character.toUpperCase();
const isLower = (character: string): boolean => isCased(character) && character === character.toLowerCase();
const isLetter = (character: string): boolean => /\p{L}/u.test(character);

function noArguments(call: BuiltinCall): void {
  unpackPositional(call, 0, 0);
}

/** Case conversion and character-class predicates of strings (Python semantics). */
export const stringCaseMethods = methodTable<Str>({
  capitalize: (receiver, call) => {
    noArguments(call);
    const text = receiver.value;
    return Str.of(text.length === 0 ? '' : text[0].toUpperCase() + text.slice(1).toLowerCase());
  },
  lower: (receiver, call) => (noArguments(call), Str.of(receiver.value.toLowerCase())),
  upper: (receiver, call) => (noArguments(call), Str.of(receiver.value.toUpperCase())),
  title: (receiver, call) => {
    noArguments(call);
    let previousIsLetter = false;
    let result = '';
    for (const character of receiver.value) {
      result += previousIsLetter ? character.toLowerCase() : character.toUpperCase();
      previousIsLetter = isLetter(character);
    }
    return Str.of(result);
  },
  elems: (receiver, call) => (noArguments(call), new StringElems(receiver.value)),
  isalnum: (receiver, call) => predicate(call, receiver.value, (character) => /[\p{L}\p{N}]/u.test(character)),
  isalpha: (receiver, call) => predicate(call, receiver.value, isLetter),
  isdigit: (receiver, call) => predicate(call, receiver.value, (character) => /\p{Nd}/u.test(character)),
  isspace: (receiver, call) => predicate(call, receiver.value, (character) => /\s/u.test(character)),
  islower: (receiver, call) => {
    noArguments(call);
    const characters = [...receiver.value];
    return Bool.of(characters.some(isCased) && !characters.some(isUpper));
  },
  isupper: (receiver, call) => {
    noArguments(call);
    const characters = [...receiver.value];
    return Bool.of(characters.some(isCased) && !characters.some(isLower));
  },
  istitle: (receiver, call) => {
    noArguments(call);
    // Upper-case letters may only follow uncased characters, lower-case only cased ones.
    let previousCased = false;
    let sawCased = false;
    for (const character of receiver.value) {
      if (isUpper(character)) {
        if (previousCased) return Bool.False;
        previousCased = true;
        sawCased = true;
      } else if (isLower(character)) {
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

function predicate(call: BuiltinCall, text: string, test: (character: string) => boolean): Bool {
  noArguments(call);
  const characters = [...text];
  return Bool.of(characters.length > 0 && characters.every(test));
}
