/**
 * Strings at least this long (UTF-16 units) travel beside a row body's JSON instead of inside
 * it. Every such string is far above the blob threshold, so the writer stores it as a blob
 * anyway; inside the JSON it would be escaped on the engine's thread and unescaped again by the
 * writer's JSON.parse only to be taken out. For a 10,000-leaf run's spec (4 MB of JSON in
 * run_started, one escaped quote every few characters) that round trip cost the writer
 * 100–200 ms before it could write its first row.
 */
export const LARGE_STRING_CHARS = 64 * 1024;

/**
 * A row body's JSON above this length (UTF-16 units) is serialized again with its large strings
 * set aside: only events that carry a large string get there, and serializing them twice costs
 * less than the writer's parse of their escaped text.
 */
export const LARGE_BODY_CHARS = LARGE_STRING_CHARS;

/** The key of the object that stands, in a body's JSON, for the large string of that index. */
const LARGE_STRING_KEY = '$whaleflowLargeString';

/** A row body as it crosses to the writer: its JSON with placeholders, and the strings they stand for. */
export interface BodyWithLargeStrings {
  readonly json: string;
  readonly strings: readonly string[];
}

/**
 * The body's JSON with every string of LARGE_STRING_CHARS or more replaced by a placeholder
 * (`strings` is empty when it has none: the JSON is then its plain JSON). JSON.stringify's own
 * walk (with its toJSON and omission rules) finds them, so the body means exactly what its
 * plain JSON means.
 */
export function setLargeStringsAside(body: object): BodyWithLargeStrings {
  const strings: string[] = [];
  const json = JSON.stringify(body, (_key, value: unknown) => {
    if (typeof value !== 'string' || value.length < LARGE_STRING_CHARS) return value;
    strings.push(value);
    return { [LARGE_STRING_KEY]: strings.length - 1 };
  });
  return { json, strings };
}

/** The body back: its JSON parsed, each placeholder replaced by its string (no copy of them). */
export function withLargeStrings({ json, strings }: BodyWithLargeStrings): object {
  const restore = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) value[index] = restore(value[index]);
      return value;
    }
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    const index = record[LARGE_STRING_KEY];
    if (typeof index === 'number' && Object.keys(record).length === 1 && index >= 0 && index < strings.length) return strings[index];
    for (const name of Object.keys(record)) {
      const item = record[name];
      const restored = restore(item);
      // Defined, not assigned: a key named __proto__ (JSON.parse makes it an own property) stays data.
      if (restored !== item) Object.defineProperty(record, name, { value: restored, writable: true, enumerable: true, configurable: true });
    }
    return record;
  };
  return restore(JSON.parse(json)) as object;
}
