import type { BinaryOperator } from '../syntax/ast.js';
import { Dict } from '../values/dict.js';
import { isIterable } from '../values/iteration.js';
import { List } from '../values/list.js';
import { StarlarkSet } from '../values/set.js';
import type { Value } from '../values/value.js';
import { appendAll } from '../values/append-all.js';
import { collectValues } from './iterate.js';
import type { Thread } from './thread.js';

/**
 * `x op= y` where the spec makes it mutate x instead of rebinding it: `list += iterable`
 * (like extend), `dict |= dict` (like update) and the set operators `|= &= -= ^=` on two sets.
 * Returns the mutated value, or undefined when the ordinary binary operator applies.
 */
export function applyInPlace(operator: Exclude<BinaryOperator, 'and' | 'or'>, current: Value, operand: Value, thread: Thread): Value | undefined {
  // Every `x op= y` passes here (most on ints): the type is tested by `constructor` (see StarlarkValue).
  const type = current.constructor;
  if (type === List) {
    if (operator !== '+' || !isIterable(operand)) return undefined;
    const list = current as List;
    list.checkMutable('apply += to');
    const additions = collectValues(operand, thread);
    thread.checkLength(list.elements.length + additions.length, 'list', "'+='");
    appendAll(list.elements, additions);
    return list;
  }
  if (type === Dict) {
    if (operator !== '|' || !(operand instanceof Dict)) return undefined;
    const dict = current as Dict;
    dict.checkMutable('apply |= to');
    for (const entry of [...operand.table.entries()]) dict.table.set(entry.key, entry.value);
    thread.checkLength(dict.length, 'dict', "'|='");
    thread.chargeBulk(operand.length);
    return dict;
  }
  if (type === StarlarkSet && operand instanceof StarlarkSet) {
    const updated = updateSet(operator, current as StarlarkSet, operand);
    if (updated) {
      thread.checkLength(updated.length, 'set', `'${operator}='`);
      thread.chargeBulk(operand.length);
    }
    return updated;
  }
  return undefined;
}

function updateSet(operator: string, set: StarlarkSet, other: StarlarkSet): StarlarkSet | undefined {
  // Decide everything before mutating: `other` may be `set` itself (s ^= s, s -= s).
  let removals: Value[];
  let additions: Value[];
  switch (operator) {
    case '|':
      [removals, additions] = [[], other.elements().filter((element) => !set.has(element))];
      break;
    case '&':
      [removals, additions] = [set.elements().filter((element) => !other.has(element)), []];
      break;
    case '-':
      [removals, additions] = [set.elements().filter((element) => other.has(element)), []];
      break;
    case '^':
      [removals, additions] = [set.elements().filter((element) => other.has(element)), other.elements().filter((element) => !set.has(element))];
      break;
    default:
      return undefined;
  }
  set.checkMutable(`apply ${operator}= to`);
  for (const element of removals) set.table.delete(element);
  for (const element of additions) set.addUnchecked(element);
  return set;
}
