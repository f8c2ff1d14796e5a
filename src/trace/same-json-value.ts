/**
 * Whether `stored` (a value JSON.parse gave) and `emitted` (a value as the engine built it) read
 * back as the same JSON: the same keys in the same order and equal values, all the way down. A
 * value JSON cannot hold as it is (undefined, NaN, a Date, anything with toJSON) is never equal
 * to a stored one, so the answer errs only towards "different". Allocates nothing for the usual
 * small objects but their key lists.
 */
export function sameJsonValue(stored: unknown, emitted: unknown): boolean {
  if (stored === emitted) return typeof emitted !== 'number' || Number.isFinite(emitted);
  if (typeof stored !== 'object' || typeof emitted !== 'object' || stored === null || emitted === null) return false;
  if (Array.isArray(stored)) {
    if (!Array.isArray(emitted) || stored.length !== emitted.length) return false;
    for (let index = 0; index < stored.length; index += 1) if (!sameJsonValue(stored[index], emitted[index])) return false;
    return true;
  }
  if (Array.isArray(emitted) || Object.getPrototypeOf(emitted) !== Object.prototype) return false;
  const storedKeys = Object.keys(stored);
  const emittedKeys = Object.keys(emitted);
  if (storedKeys.length !== emittedKeys.length) return false;
  for (let index = 0; index < storedKeys.length; index += 1) {
    const key = storedKeys[index]!;
    if (key !== emittedKeys[index] || !sameJsonValue((stored as Record<string, unknown>)[key], (emitted as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** Whether `value`'s own keys are exactly `keys`, in that order (no allocation). */
export function hasKeysInOrder(value: object, keys: readonly string[]): boolean {
  let position = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key) || keys[position] !== key) return false;
    position += 1;
  }
  return position === keys.length;
}
