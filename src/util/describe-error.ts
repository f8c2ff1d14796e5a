/**
 * One line of text for anything thrown or passed as an error. `String(value)` is wrong for
 * everything that is not an Error or a string: a cancel reason (`{type, message}`), an error
 * object a worker thread posted back, a rejected plain object all print `[object Object]`.
 * This keeps their message (or, failing that, their JSON), so a warning always says what
 * happened.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  if (error === null || error === undefined) return 'unknown error';
  if (typeof error === 'object') {
    const { message, type, code } = error as { message?: unknown; type?: unknown; code?: unknown };
    if (typeof message === 'string' && message !== '') return typeof code === 'string' ? `${message} (${code})` : message;
    if (typeof type === 'string') return `cancelled (${type})`;
    try {
      const json = JSON.stringify(error);
      if (json !== undefined && json !== '{}') return json.length > 500 ? `${json.slice(0, 500)}…` : json;
    } catch {
      // cyclic: fall through
    }
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `a ${name} was thrown` : 'an error without a message';
  }
  return String(error);
}
