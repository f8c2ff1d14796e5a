import { sha256Hex } from '../util/index.js';

/** Strings this long (a fan-in's prompt of every output) are kept as a digest by `withLongTextsDigested`. */
const LONG_TEXT_CHARS = 64 * 1024;

/** A long stored string, kept as its length and SHA-256 (sameJsonValue compares an emitted string with it). */
export class LongTextDigest {
  constructor(
    readonly length: number,
    readonly sha256: string,
  ) {}
}

/**
 * `stored` (a value JSON.parse gave) to be held until it is compared with sameJsonValue: as it
 * is, or, where it holds strings of LONG_TEXT_CHARS or more, a copy holding their digests
 * instead. A 100,000-leaf run's fan-in asks with a prompt of ~24 MB, which a replay would
 * otherwise hold from reading the run until its own fan-in (then twice).
 */
export function withLongTextsDigested(stored: unknown): unknown {
  if (typeof stored === 'string') return stored.length < LONG_TEXT_CHARS ? stored : new LongTextDigest(stored.length, sha256Hex(stored));
  if (typeof stored !== 'object' || stored === null) return stored;
  if (Array.isArray(stored)) {
    const items = stored.map(withLongTextsDigested);
    return items.every((item, index) => item === stored[index]) ? stored : items;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(stored)) {
    const kept = withLongTextsDigested(value);
    if (kept !== value) copy ??= { ...(stored as Record<string, unknown>) };
    if (copy) copy[key] = kept;
  }
  return copy ?? stored;
}

/**
 * Whether `stored` (a value JSON.parse gave) and `emitted` (a value as the engine built it) read
 * back as the same JSON: the same keys in the same order and equal values, all the way down. A
 * value JSON cannot hold as it is (undefined, NaN, a Date, anything with toJSON) is never equal
 * to a stored one, so the answer errs only towards "different". Allocates nothing for the usual
 * small objects but their key lists.
 */
export function sameJsonValue(stored: unknown, emitted: unknown): boolean {
  if (stored === emitted) return typeof emitted !== 'number' || Number.isFinite(emitted);
  if (stored instanceof LongTextDigest) return typeof emitted === 'string' && emitted.length === stored.length && sha256Hex(emitted) === stored.sha256;
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
