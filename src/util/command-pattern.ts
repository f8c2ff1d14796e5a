/** Characters that would let an argument start another command or redirect output. */
const SHELL_CONTROL = /[;&|`$<>(){}\n\r\\]/;

/**
 * Whether `command` may run under the allowed list. Two rules, nothing cleverer:
 * - exact: the command equals an allowed entry (after trimming outer whitespace);
 * - prefix: an entry ending in ` *` (e.g. `npm test *`) allows that prefix followed by
 *   arguments, provided the arguments contain no shell control characters, so
 *   `npm test -- foo` passes and `npm test; rm -rf ~` does not.
 */
export function isCommandAllowed(command: string, allowed: readonly string[]): boolean {
  const wanted = command.trim();
  return allowed.some((entry) => matchesEntry(wanted, entry.trim()));
}

function matchesEntry(command: string, entry: string): boolean {
  if (command === entry) return true;
  if (!entry.endsWith(' *')) return false;
  const prefix = entry.slice(0, -2);
  if (command === prefix) return true;
  if (!command.startsWith(`${prefix} `)) return false;
  return !SHELL_CONTROL.test(command.slice(prefix.length));
}
