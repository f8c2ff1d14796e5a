import { escapeJsonText } from './terminal-text.js';

/** About this many characters per write. */
const PIECE = 64 * 1024;
/** At most this many array items stringified together (a leaf result is a few hundred characters). */
const MAX_BATCH = 256;

/**
 * Writes `value` as the compact JSON `terminalSafeJson(value)` would return, in pieces of about
 * 64 KiB instead of one string: a 100,000-leaf run's `--json` result is ~60 MB, and as one text
 * it was held three or four times over (stringified, escaped, redacted, encoded) at the very end
 * of the run, when memory peaks. Arrays (a result's `results` and `children`) are walked; every
 * other value is stringified whole. Pieces are cut only between values, never inside a string,
 * so what each write's caller does to a piece (the CLI redacts every print) sees whole strings.
 */
export function writeTerminalSafeJson(value: unknown, write: (text: string) => void): void {
  for (const piece of terminalSafeJsonPieces(value)) write(piece);
}

/**
 * Text a caller already has for some arrays: for `list`, pieces that joined by commas are
 * `JSON.stringify(list)` without its brackets, each cut between items (the engine's
 * ResultJsonTexts: the leaves' JSON its results digest made); undefined for any other array.
 */
export type KnownArrayJson = (list: readonly unknown[]) => readonly string[] | undefined;

/**
 * The pieces writeTerminalSafeJson writes, one at a time, as they are asked for: a caller that
 * must wait between writes (a pipe whose reader is slower than this process) holds one piece at
 * a time instead of all of them queued in the stream.
 */
export function* terminalSafeJsonPieces(value: unknown, known?: KnownArrayJson): Generator<string, void, undefined> {
  const pieces = new Pieces();
  const written = yield* writeValue(value, pieces, known);
  if (!written) yield* pieces.emit('null');
  yield escapeJsonText(pieces.rest());
}

/** Text gathered until it is a piece long; emit() yields the piece then. */
class Pieces {
  private pending = '';

  *emit(text: string): Generator<string, void, undefined> {
    this.pending += text;
    if (this.pending.length >= PIECE) yield escapeJsonText(this.rest());
  }

  rest(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}

/** Emits `value`'s JSON; false when JSON.stringify would leave it out (undefined, a function). */
function* writeValue(value: unknown, pieces: Pieces, known: KnownArrayJson | undefined): Generator<string, boolean, undefined> {
  if (Array.isArray(value)) {
    const texts = known?.(value);
    if (texts) {
      yield* pieces.emit('[');
      for (let index = 0; index < texts.length; index += 1) yield* pieces.emit(index === 0 ? texts[index]! : `,${texts[index]!}`);
      yield* pieces.emit(']');
      return true;
    }
    yield* pieces.emit('[');
    let batchSize = 1;
    for (let index = 0; index < value.length; ) {
      if (index > 0) yield* pieces.emit(',');
      const item: unknown = value[index];
      if (Array.isArray(item) || holdsArrays(item)) {
        yield* writeValue(item, pieces, known);
        index += 1;
        continue;
      }
      // A run of items with no arrays inside (a fan-out's leaf results): one stringify for a
      // batch, which writes each item exactly as on its own (`null` for what it leaves out).
      // The batch grows while its text stays under a piece and shrinks when items are large.
      let end = index + 1;
      while (end < value.length && end - index < batchSize && !Array.isArray(value[end]) && !holdsArrays(value[end])) end += 1;
      const batch = JSON.stringify(end - index === value.length ? value : value.slice(index, end));
      yield* pieces.emit(batch.slice(1, -1));
      batchSize = Math.max(1, Math.min(MAX_BATCH, Math.floor(((end - index) * PIECE) / batch.length)));
      index = end;
    }
    yield* pieces.emit(']');
    return true;
  }
  if (!holdsArrays(value)) {
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) yield* pieces.emit(json);
    return json !== undefined;
  }
  yield* pieces.emit('{');
  let separator = '';
  for (const [key, item] of Object.entries(value)) {
    const walked = Array.isArray(item) || holdsArrays(item);
    const json = walked ? undefined : (JSON.stringify(item) as string | undefined);
    if (!walked && json === undefined) continue;
    yield* pieces.emit(`${separator}${JSON.stringify(key)}:`);
    separator = ',';
    if (json === undefined) yield* writeValue(item, pieces, known);
    else yield* pieces.emit(json);
  }
  yield* pieces.emit('}');
  return true;
}

/** A plain object with an array among its own values: walked rather than stringified whole. */
function holdsArrays(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value) if (Array.isArray((value as Record<string, unknown>)[key])) return true;
  return false;
}
