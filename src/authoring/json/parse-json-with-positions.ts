import type { Diagnostic } from '../../util/index.js';
import type { SpecSource, DocumentPath } from '../../ir/index.js';
import { MAX_NESTING } from '../limits.js';
import type { SourceText } from '../source-text.js';

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * A strict JSON reader that also records where each value sits (into `source`) and rejects
 * duplicate keys, which JSON.parse would silently resolve to the last one.
 */
export function parseJsonWithPositions(text: SourceText, source: SpecSource): { value: unknown } | { diagnostics: Diagnostic[] } {
  try {
    const reader = new JsonReader(text.text, (path, offset) => source.record(path, text.positionAt(offset)));
    return { value: reader.readDocument() };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return { diagnostics: [{ severity: 'error', code: 'json-syntax', message: error.message, position: text.positionAt(error.offset) }] };
    }
    throw error;
  }
}

class JsonReader {
  private offset = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly record: (path: DocumentPath, offset: number) => void,
  ) {}

  readDocument(): unknown {
    this.skipWhitespace();
    const value = this.readValue([]);
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail(`unexpected ${this.describeHere()} after the end of the document`);
    return value;
  }

  private readValue(path: (string | number)[]): unknown {
    this.skipWhitespace();
    const char = this.text[this.offset];
    switch (char) {
      case '{':
        return this.nested(() => this.readObject(path));
      case '[':
        return this.nested(() => this.readArray(path));
      case '"':
        return this.readString();
      case 't':
        return this.readLiteral('true', true);
      case 'f':
        return this.readLiteral('false', false);
      case 'n':
        return this.readLiteral('null', null);
      default:
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.readNumber();
        return this.fail(`expected a value, found ${this.describeHere()}`);
    }
  }

  private nested<T>(read: () => T): T {
    this.depth += 1;
    if (this.depth > MAX_NESTING) this.fail(`nesting is deeper than ${MAX_NESTING} levels`);
    const value = read();
    this.depth -= 1;
    return value;
  }

  private readObject(path: (string | number)[]): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === '}') {
      this.offset += 1;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.offset] !== '"') this.fail(`expected a quoted key, found ${this.describeHere()}`);
      const keyOffset = this.offset;
      const key = this.readString();
      if (seen.has(key)) this.fail(`duplicate key "${key}"`, keyOffset);
      seen.add(key);
      this.skipWhitespace();
      this.expect(':');
      const childPath = [...path, key];
      this.record(childPath, keyOffset);
      // Defined as an own data property, so a key named "__proto__" stays plain data.
      Object.defineProperty(object, key, { value: this.readValue(childPath), enumerable: true, writable: true, configurable: true });
      this.skipWhitespace();
      if (this.text[this.offset] === ',') {
        this.offset += 1;
        continue;
      }
      this.expect('}');
      return object;
    }
  }

  private readArray(path: (string | number)[]): unknown[] {
    const array: unknown[] = [];
    this.offset += 1;
    this.skipWhitespace();
    if (this.text[this.offset] === ']') {
      this.offset += 1;
      return array;
    }
    for (;;) {
      this.skipWhitespace();
      const childPath = [...path, array.length];
      this.record(childPath, this.offset);
      array.push(this.readValue(childPath));
      this.skipWhitespace();
      if (this.text[this.offset] === ',') {
        this.offset += 1;
        continue;
      }
      this.expect(']');
      return array;
    }
  }

  private readString(): string {
    const start = this.offset;
    this.offset += 1;
    let end = this.offset;
    // Fast path: no escapes.
    while (end < this.text.length && this.text[end] !== '"' && this.text[end] !== '\\' && this.text.charCodeAt(end) >= 0x20) end += 1;
    if (this.text[end] === '"') {
      this.offset = end + 1;
      return this.text.slice(start + 1, end);
    }
    for (;;) {
      if (end >= this.text.length) this.fail('unterminated string', start);
      const code = this.text.charCodeAt(end);
      if (code === 0x22) break;
      if (code < 0x20) this.fail('control character in string (escape it)', end);
      end += this.text[end] === '\\' ? 2 : 1;
    }
    const literal = this.text.slice(start, end + 1);
    this.offset = end + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail('invalid escape in string', start);
    }
  }

  private readNumber(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.offset, this.offset + 400));
    if (!match) return this.fail(`invalid number`);
    this.offset += match[0].length;
    return Number(match[0]);
  }

  private readLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.offset)) this.fail(`expected a value, found ${this.describeHere()}`);
    this.offset += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.text[this.offset] !== char) this.fail(`expected "${char}", found ${this.describeHere()}`);
    this.offset += 1;
  }

  private skipWhitespace(): void {
    while (this.offset < this.text.length) {
      const code = this.text.charCodeAt(this.offset);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.offset += 1;
    }
  }

  private describeHere(): string {
    if (this.offset >= this.text.length) return 'the end of the file';
    return JSON.stringify(this.text[this.offset]);
  }

  private fail(message: string, offset = this.offset): never {
    throw new JsonSyntaxError(message, offset);
  }
}
