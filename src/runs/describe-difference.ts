/** At most this many differing places are named; the rest are counted. */
const MAX_PLACES = 3;
/** Characters of context shown before a difference inside a string, and of each side after it. */
const CONTEXT_BEFORE = 24;
const SHOWN_AFTER = 40;
const MAX_VALUE = 80;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The value as JSON would carry it (undefined fields dropped), so only real differences count. */
function normalize(value: unknown): Json | undefined {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as Json);
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shorten(text: string, limit = MAX_VALUE): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function show(value: Json | undefined): string {
  return value === undefined ? '(absent)' : shorten(JSON.stringify(value));
}

/** One place where the values differ: its path, where inside a string, and the two sides. */
interface Place {
  readonly path: string;
  readonly where?: string;
  readonly values: string;
}

/**
 * Two strings shown where they part: the line (for multi-line text) or the character at which
 * they first differ, with a little context before and each side's text after.
 */
function stringDifference(path: string, recorded: string, replayed: string): Place {
  let start = 0;
  while (start < recorded.length && start < replayed.length && recorded[start] === replayed[start]) start += 1;
  const line = recorded.slice(0, start).split('\n').length;
  const lineStart = recorded.lastIndexOf('\n', start - 1) + 1;
  const from = Math.max(lineStart, start - CONTEXT_BEFORE);
  const excerpt = (text: string): string => {
    const end = text.indexOf('\n', start);
    const tail = text.slice(from, end === -1 ? undefined : Math.min(end, start + SHOWN_AFTER));
    const cut = end === -1 ? text.length > start + SHOWN_AFTER : end > start + SHOWN_AFTER;
    return `${from > lineStart ? '…' : ''}${JSON.stringify(tail).slice(1, -1)}${cut ? '…' : ''}`;
  };
  const where = recorded.includes('\n') || replayed.includes('\n') ? `line ${line}, column ${start - lineStart + 1}` : `character ${start + 1}`;
  const lengths = recorded.length !== replayed.length ? ` (${recorded.length} vs ${replayed.length} characters)` : '';
  return { path, where: `${where}${lengths}`, values: `recorded "${excerpt(recorded)}", replayed "${excerpt(replayed)}"` };
}

/** Every place (path) where the two values differ, depth first, keys in sorted order. */
function differingPlaces(path: string, recorded: Json | undefined, replayed: Json | undefined, found: Place[]): void {
  if (JSON.stringify(recorded) === JSON.stringify(replayed)) return;
  if (isObject(recorded) && isObject(replayed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])].sort();
    for (const key of keys) differingPlaces(`${path}.${key}`, recorded[key], replayed[key], found);
    return;
  }
  if (Array.isArray(recorded) && Array.isArray(replayed)) {
    for (let index = 0; index < Math.max(recorded.length, replayed.length); index++) differingPlaces(`${path}[${index}]`, recorded[index], replayed[index], found);
    return;
  }
  if (typeof recorded === 'string' && typeof replayed === 'string' && (recorded.length > MAX_VALUE || replayed.length > MAX_VALUE || recorded.includes('\n'))) {
    found.push(stringDifference(path, recorded, replayed));
    return;
  }
  found.push({ path, values: `recorded ${show(recorded)}, replayed ${show(replayed)}` });
}

/**
 * What differs between a recorded and a replayed value, as a short diff a person can act on:
 * each differing place by its path (`details.isolation`, `output`), strings shown where they
 * part rather than cut at a common prefix. Undefined when they are equal.
 */
export function describeDifference(field: string, recorded: unknown, replayed: unknown): string | undefined {
  const places: Place[] = [];
  differingPlaces(field, normalize(recorded), normalize(replayed), places);
  if (places.length === 0) return undefined;
  const named = places.slice(0, MAX_PLACES).map((place) => {
    const location = [place.path === field ? undefined : place.path, place.where].filter((part) => part !== undefined).join(', ');
    return location ? ` at ${location}: ${place.values}` : `: ${place.values}`;
  });
  const more = places.length > MAX_PLACES ? `; and ${places.length - MAX_PLACES} more` : '';
  return `${field} differs${named.join(';')}${more}`;
}
