import { runtimeError } from '../errors.js';
import { Dict } from '../values/dict.js';
import type { KeywordArguments } from '../values/function.js';
import { Str } from '../values/str.js';
import { Tuple } from '../values/tuple.js';
import type { Value } from '../values/value.js';
import type { ParameterLayout } from './parameter-layout.js';

/** Fills parameter slots from a call's arguments, applying defaults; errors name the function. */
export function bindArguments(
  name: string,
  layout: ParameterLayout,
  defaults: readonly (Value | undefined)[],
  locals: (Value | undefined)[],
  args: readonly Value[],
  kwargs: KeywordArguments,
): void {
  if (layout.plain && kwargs.length === 0 && args.length === layout.positionalCount) {
    for (let index = 0; index < args.length; index++) locals[index] = args[index];
    return;
  }
  const positional = Math.min(args.length, layout.positionalCount);
  for (let index = 0; index < positional; index++) locals[index] = args[index];
  if (args.length > layout.positionalCount) {
    if (layout.varargsSlot === undefined) {
      throw runtimeError(
        `function ${name} accepts ${layout.positionalCount === 0 ? 'no' : `at most ${layout.positionalCount}`} positional argument${layout.positionalCount === 1 ? '' : 's'} (${args.length} given)`,
      );
    }
    locals[layout.varargsSlot] = new Tuple(args.slice(layout.positionalCount));
  } else if (layout.varargsSlot !== undefined) {
    locals[layout.varargsSlot] = Tuple.empty;
  }
  const extra = layout.kwargsSlot === undefined ? undefined : new Dict();
  for (const [keyword, value] of kwargs) {
    const slot = layout.slotsByName.get(keyword);
    if (slot === undefined) {
      if (!extra) throw runtimeError(`function ${name} got an unexpected keyword argument '${keyword}'`);
      const key = Str.of(keyword);
      if (extra.table.has(key)) throw runtimeError(`function ${name} got multiple values for parameter '${keyword}'`);
      extra.table.set(key, value);
      continue;
    }
    if (locals[slot] !== undefined) throw runtimeError(`function ${name} got multiple values for parameter '${keyword}'`);
    locals[slot] = value;
  }
  if (extra) locals[layout.kwargsSlot!] = extra;
  let missing: string[] | undefined;
  for (const { name: parameter, slot } of layout.namedSlots) {
    if (locals[slot] !== undefined) continue;
    const fallback = defaults[slot];
    if (fallback !== undefined) locals[slot] = fallback;
    else (missing ??= []).push(parameter);
  }
  if (missing) {
    throw runtimeError(`function ${name} missing ${missing.length} argument${missing.length === 1 ? '' : 's'} (${missing.join(', ')})`);
  }
}
