import { ReprLimitExceeded, type StarlarkValue } from './value.js';

/** How much of a value an error message shows. */
const MESSAGE_REPR_LIMIT = 200;

/**
 * The repr of a value for an error message, cut after about 200 characters (`[1, 2, ...`):
 * a huge operand never makes a huge message, in the terminal or the trace.
 */
export function describeValue(value: StarlarkValue, limit = MESSAGE_REPR_LIMIT): string {
  try {
    return value.repr(limit);
  } catch (error) {
    if (error instanceof ReprLimitExceeded) return `${error.partial}...`;
    throw error;
  }
}
