/**
 * Reads the plain block YAML a wide mock fixture is written in — nested `key: value` mappings and
 * `- ` sequences, one entry per line, with quoted strings, plain words, integers, booleans and
 * nulls — and gives exactly what js-yaml's core schema gives for it, with well under half the
 * work: js-yaml spent ~0.1 s on the 10,000 rules of a 2.5 MB fixture, half of a CLI run's
 * pre-flight. Anything outside that subset — flow collections, anchors, tags, block scalars,
 * escapes, comments after a value, tabs, CR, a repeated key, a multi-line scalar, a number that is
 * not a plain decimal integer — returns undefined, and the caller reads the text with js-yaml
 * (and, if that fails, with the positioned reader that words the error). So the subset only
 * decides how fast a fixture is read, never what it means; `read-plain-block-yaml.test.ts` holds
 * it to js-yaml on generated documents.
 */
export function readPlainBlockYaml(text: string): { readonly value: unknown } | undefined {
  const reader = new BlockReader(text);
  if (!reader.splitLines()) return undefined;
  try {
    const value = reader.node(reader.firstIndent());
    return reader.done() ? { value } : undefined;
  } catch (error) {
    if (error === OUTSIDE_SUBSET) return undefined;
    throw error;
  }
}

/** Thrown inside the reader when the text leaves the subset; caught once per document. */
const OUTSIDE_SUBSET = Symbol('outside the plain block subset');

/** A plain scalar the subset reads as a string (unless it is a core null or boolean); shared with read-leaf-rule-run.ts. */
export const PLAIN_WORD_PATTERN = '[A-Za-z_][A-Za-z0-9_./()+-]*(?: +[A-Za-z0-9_./()+-]+)*';
/** Printable ASCII without the quote characters and the backslash: quoted text with nothing to unescape. */
export const QUOTED_TEXT_PATTERN = '[\\x20\\x21\\x23-\\x26\\x28-\\x5b\\x5d-\\x7e]';
const PLAIN_WORD = new RegExp(`^${PLAIN_WORD_PATTERN}$`);
const DECIMAL_INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/; // not -0: js-yaml reads it as 0
const QUOTED_TEXT = new RegExp(`^${QUOTED_TEXT_PATTERN}*$`);
const CORE_NULLS: ReadonlySet<string> = new Set(['null', 'Null', 'NULL', '~']);
const CORE_TRUE: ReadonlySet<string> = new Set(['true', 'True', 'TRUE']);
const CORE_FALSE: ReadonlySet<string> = new Set(['false', 'False', 'FALSE']);
/** Deeper than this, the subset hands the text on (the reader recurses once per level). */
const MAX_DEPTH = 64;
const MAX_KEY_LENGTH = 1024;

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/**
 * The reader works on offsets into the text — a wide fixture is tens of thousands of lines, and
 * a line object and a substring per line cost more than reading them — and slices out only keys
 * (each distinct key once) and values.
 */
class BlockReader {
  /** Per line with content: its indentation, and where its content starts and ends (trailing spaces dropped). */
  private readonly indents: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private position = 0;
  private depth = 0;
  /** Keys read so far: a fixture repeats a handful of keys thousands of times. */
  private readonly keys: string[] = [];

  constructor(private readonly text: string) {}

  /** False when a line leaves the subset (or there is none). Blank and whole-line comment lines are dropped. */
  splitLines(): boolean {
    const text = this.text;
    if (text.includes('\t') || text.includes('\r') || text.charCodeAt(0) === 0xfeff) return false;
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      let content = start;
      while (text.charCodeAt(content) === SPACE) content += 1;
      let last = end;
      while (last > content && text.charCodeAt(last - 1) === SPACE) last -= 1;
      if (last > content && text.charCodeAt(content) !== HASH) {
        // Document markers and directives start at column 0 and change what follows.
        if (content === start && (text.startsWith('---', start) || text.startsWith('...', start) || text.charCodeAt(start) === 0x25 /* % */)) return false;
        this.indents.push(content - start);
        this.starts.push(content);
        this.ends.push(last);
      }
      start = end + 1;
    }
    return this.indents.length > 0;
  }

  firstIndent(): number {
    return this.indents[0]!;
  }

  done(): boolean {
    return this.position === this.indents.length;
  }

  /** The block that starts at the current line, whose indentation is `indent`. */
  node(indent: number): unknown {
    if (this.done() || this.indents[this.position] !== indent || this.depth >= MAX_DEPTH) throw OUTSIDE_SUBSET;
    this.depth += 1;
    const value = this.isSequenceEntry(this.position) ? this.sequence(indent) : this.mapping(indent);
    this.depth -= 1;
    return value;
  }

  private mapping(indent: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    while (!this.done() && this.indents[this.position]! >= indent) {
      const line = this.position;
      if (this.indents[line]! > indent || this.isSequenceEntry(line)) throw OUTSIDE_SUBSET;
      const start = this.starts[line]!;
      const end = this.ends[line]!;
      const colon = this.keyEnd(start, end);
      if (colon < 0) throw OUTSIDE_SUBSET;
      const key = this.key(start, colon);
      // A repeated key is an error to js-yaml; __proto__ is a special case to it.
      if (Object.hasOwn(mapping, key) || key === '__proto__') throw OUTSIDE_SUBSET;
      this.position += 1;
      const rest = this.skipSpaces(colon + 1, end);
      mapping[key] = rest === end ? this.nested(indent, true) : this.scalarEndingAt(indent, rest, end);
    }
    return mapping;
  }

  private sequence(indent: number): unknown[] {
    const sequence: unknown[] = [];
    while (!this.done() && this.indents[this.position] === indent && this.isSequenceEntry(this.position)) {
      const line = this.position;
      const end = this.ends[line]!;
      const rest = this.skipSpaces(this.starts[line]! + 1, end);
      if (rest === end) {
        this.position += 1;
        sequence.push(this.nested(indent, false));
      } else if (this.keyEnd(rest, end) >= 0) {
        // `- key: value` opens a mapping at the column of its key: read the line again as that mapping's first.
        this.indents[line] = indent + (rest - this.starts[line]!);
        this.starts[line] = rest;
        sequence.push(this.mapping(this.indents[line]!));
      } else {
        this.position += 1;
        sequence.push(this.scalarEndingAt(indent, rest, end));
      }
    }
    if (!this.done() && this.indents[this.position]! > indent) throw OUTSIDE_SUBSET;
    return sequence;
  }

  /** The value of `key:` or `-` with nothing after it: a deeper block, a sequence at the key's own indentation, or null. */
  private nested(indent: number, sequenceMayShareIndent: boolean): unknown {
    if (this.done()) return null;
    const next = this.indents[this.position]!;
    if (next > indent) return this.node(next);
    if (sequenceMayShareIndent && next === indent && this.isSequenceEntry(this.position)) return this.sequence(indent);
    return null;
  }

  /** A one-line scalar; a deeper line after it would continue it (or be an error), which the subset leaves out. */
  private scalarEndingAt(indent: number, start: number, end: number): unknown {
    if (!this.done() && this.indents[this.position]! > indent) throw OUTSIDE_SUBSET;
    return scalar(this.text, start, end);
  }

  private isSequenceEntry(line: number): boolean {
    const start = this.starts[line]!;
    return this.text.charCodeAt(start) === DASH && (start + 1 === this.ends[line] || this.text.charCodeAt(start + 1) === SPACE);
  }

  /** Where the colon of `key:` or `key: value` is (a key is a letter or _ then letters, digits or _), or -1. */
  private keyEnd(start: number, end: number): number {
    const text = this.text;
    if (!isKeyStart(text.charCodeAt(start))) return -1;
    let at = start + 1;
    while (at < end && isKeyPart(text.charCodeAt(at))) at += 1;
    if (at === end || text.charCodeAt(at) !== COLON || at - start > MAX_KEY_LENGTH) return -1;
    return at + 1 === end || text.charCodeAt(at + 1) === SPACE ? at : -1;
  }

  private key(start: number, end: number): string {
    const length = end - start;
    for (const known of this.keys) if (known.length === length && this.text.startsWith(known, start)) return known;
    const key = this.text.slice(start, end);
    if (this.keys.length < 64) this.keys.push(key);
    return key;
  }

  private skipSpaces(at: number, end: number): number {
    while (at < end && this.text.charCodeAt(at) === SPACE) at += 1;
    return at;
  }
}

function isKeyStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

function isKeyPart(code: number): boolean {
  return isKeyStart(code) || (code >= 0x30 && code <= 0x39);
}

/** A scalar as js-yaml's core schema resolves it, for the forms the subset takes. */
function scalar(text: string, start: number, end: number): unknown {
  const first = text.charCodeAt(start);
  if (first === DOUBLE_QUOTE || first === SINGLE_QUOTE) {
    if (end - start < 2 || text.charCodeAt(end - 1) !== first) throw OUTSIDE_SUBSET;
    const body = text.slice(start + 1, end - 1);
    if (!QUOTED_TEXT.test(body)) throw OUTSIDE_SUBSET;
    return body;
  }
  const plain = text.slice(start, end);
  if (DECIMAL_INTEGER.test(plain)) return Number(plain);
  if (CORE_NULLS.has(plain)) return null;
  if (CORE_TRUE.has(plain)) return true;
  if (CORE_FALSE.has(plain)) return false;
  if (PLAIN_WORD.test(plain)) return plain;
  throw OUTSIDE_SUBSET;
}
