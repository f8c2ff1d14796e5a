import type { SourcePosition } from '../../util/index.js';
import { StarlarkError, runtimeError } from '../errors.js';
import { Builtin } from '../values/builtin.js';
import { StarlarkFunction, type KeywordArguments } from '../values/function.js';
import type { Value } from '../values/value.js';
import type { Thread } from './thread.js';

/** Calls a function or builtin; anything else is an `invalid call of non-function` error. */
export function callValue(
  thread: Thread,
  callee: Value,
  args: readonly Value[],
  kwargs: KeywordArguments,
  position: SourcePosition,
): Value {
  thread.step();
  // Tested by `constructor` on this hot path (see StarlarkValue).
  const type = callee.constructor;
  if (type === StarlarkFunction) return (callee as StarlarkFunction).code.invoke(callee as StarlarkFunction, thread, args, kwargs);
  if (type === Builtin) return callBuiltin(thread, callee as Builtin, args, kwargs, position);
  throw runtimeError(`invalid call of non-function (${callee.type})`);
}

export function callBuiltin(
  thread: Thread,
  builtin: Builtin,
  args: readonly Value[],
  kwargs: KeywordArguments,
  position: SourcePosition,
): Value {
  try {
    return builtin.implementation({ name: builtin.name, args, kwargs, thread, position, receiver: builtin.receiver });
  } catch (error) {
    throw nameBuiltinError(error, builtin.name);
  }
}

/** Prefixes a fresh error from a builtin with `Error in NAME:` (as the Java implementation does). */
export function nameBuiltinError(error: unknown, name: string): unknown {
  if (!(error instanceof StarlarkError) || error.position || error.kind !== 'runtime') return error;
  if (error.reason.startsWith('Error in ')) return error;
  return new StarlarkError(`Error in ${name}: ${error.reason}`, { cause: error.cause });
}
