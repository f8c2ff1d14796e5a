import { NoneType, StarlarkError, type BuiltinCall } from '../../starlark/index.js';
import type { Converter } from './convert-arguments.js';

/** One keyword parameter of a workflow builtin. */
export interface Parameter {
  readonly name: string;
  readonly convert: Converter;
  readonly required?: boolean;
}

export function parameter(name: string, convert: Converter, required = false): Parameter {
  return { name, convert, required };
}

/**
 * Matches a call's keyword arguments to parameters and converts them, in the order written.
 * Workflow builtins take keywords only (a positional argument is ambiguous between upstream
 * versions). `None` for an optional parameter means "not given".
 */
export function unpackKeywords(call: BuiltinCall, parameters: readonly Parameter[]): Map<string, unknown> {
  if (call.args.length > 0) {
    throw new StarlarkError(`takes keyword arguments only (got ${call.args.length} positional); write e.g. ${call.name}(id = "...", ...)`);
  }
  const byName = new Map(parameters.map((entry) => [entry.name, entry]));
  const values = new Map<string, unknown>();
  for (const [name, value] of call.kwargs) {
    const entry = byName.get(name);
    if (!entry) throw new StarlarkError(`unexpected keyword argument '${name}'${suggestion(name, parameters)}`);
    if (values.has(name)) throw new StarlarkError(`got multiple values for parameter '${name}'`);
    if (value instanceof NoneType && !entry.required) continue;
    values.set(name, entry.convert(value, name));
  }
  const missing = parameters.filter((entry) => entry.required && !values.has(entry.name)).map((entry) => entry.name);
  if (missing.length > 0) throw new StarlarkError(`missing required keyword argument${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return values;
}

/** ` (did you mean 'prompt'?)` for a near miss, else nothing. */
function suggestion(name: string, parameters: readonly Parameter[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const { name: candidate } of parameters) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean '${best}'?)` : '';
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = previous[column - 1]! + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length]!;
}
