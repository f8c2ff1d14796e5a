import { lazyRegExp, type SourcePosition } from '../../util/index.js';
import { StarlarkError } from '../errors.js';
import { PUNCTUATION, RESERVED_WORDS, isKeyword, type Token, type TokenKind } from './token.js';
import { decodeEscapes, EscapeError } from './string-literal.js';
import { scanNumber } from './number-literal.js';

const PUNCTUATION_BY_LENGTH = [3, 2, 1].map((length) => new Set<string>(PUNCTUATION.filter((p) => p.length === length)));

/**
 * Splits a source file into tokens, turning leading spaces into INDENT/OUTDENT and line ends
 * into NEWLINE (except inside brackets). Throws a positioned StarlarkError on the first error.
 */
export function scan(filename: string, source: string): Token[] {
  return new Scanner(filename, source).run();
}

class Scanner {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private depth = 0;
  private readonly indents = [0];
  private readonly tokens: Token[] = [];

  constructor(
    private readonly filename: string,
    private readonly source: string,
  ) {}

  run(): Token[] {
    let atLineStart = true;
    while (this.offset < this.source.length) {
      if (atLineStart && this.depth === 0) {
        if (!this.scanIndentation()) continue;
      }
      atLineStart = false;
      const character = this.source[this.offset];
      if (character === '\n') {
        if (this.depth === 0 && this.lastKind() !== 'NEWLINE' && this.tokens.length > 0) this.push('NEWLINE', '\n', this.here());
        this.newline();
        atLineStart = true;
        continue;
      }
      if (character === ' ' || character === '\t' || character === '\r') {
        this.offset++;
        continue;
      }
      if (character === '#') {
        this.skipComment();
        continue;
      }
      if (character === '\\') {
        if (this.source[this.offset + 1] === '\n' || this.source.startsWith('\r\n', this.offset + 1)) {
          this.offset += this.source[this.offset + 1] === '\r' ? 2 : 1;
          this.newline();
          continue;
        }
        throw this.error('stray backslash in program', this.here());
      }
      this.scanToken();
    }
    return this.finish();
  }

  /** Measures the indentation of a new logical line; false when the line is blank. */
  private scanIndentation(): boolean {
    const start = this.offset;
    let width = 0;
    while (this.offset < this.source.length) {
      const character = this.source[this.offset];
      if (character === ' ') width++;
      else if (character === '\t') throw this.error('tab characters are not allowed in indentation', this.here());
      else break;
      this.offset++;
    }
    if (this.source[this.offset] === '\r') this.offset++;
    const next = this.source[this.offset];
    if (next === undefined || next === '\n' || next === '#') {
      if (next === '#') this.skipComment();
      if (this.source[this.offset] === '\n') this.newline();
      return false;
    }
    const position = this.positionAt(start + width);
    const current = this.indents[this.indents.length - 1];
    if (width > current) {
      this.indents.push(width);
      this.push('INDENT', '', position);
    } else {
      while (width < this.indents[this.indents.length - 1]) {
        this.indents.pop();
        this.push('OUTDENT', '', position);
      }
      if (width !== this.indents[this.indents.length - 1]) {
        throw this.error('unindent does not match any outer indentation level', position);
      }
    }
    return true;
  }

  private skipComment(): void {
    while (this.offset < this.source.length && this.source[this.offset] !== '\n') this.offset++;
  }

  private newline(): void {
    this.offset++;
    this.line++;
    this.lineStart = this.offset;
  }

  private scanToken(): void {
    const start = this.offset;
    const position = this.here();
    const character = this.source[start];
    if (isDigit(character) || (character === '.' && isDigit(this.source[start + 1] ?? ''))) {
      const number = scanNumber(this.source, start);
      if ('error' in number) throw this.error(number.error, position);
      this.offset = number.end;
      this.push(number.kind, this.source.slice(start, number.end), position, number.value);
      return;
    }
    if (isIdentifierStart(character)) {
      let end = start + 1;
      while (end < this.source.length && isIdentifierPart(this.source[end])) end++;
      const word = this.source.slice(start, end);
      const quote = this.source[end];
      if ((quote === '"' || quote === "'") && /^(r|b|rb|br)$/.test(word)) {
        this.offset = end;
        this.scanString(start, position, word.includes('r'), word.includes('b'));
        return;
      }
      if ((quote === '"' || quote === "'") && /^(f|rf|fr|F|Rf|fR|RF|FR|u|U|R|B|Rb|bR|rB|Br)$/.test(word)) {
        const what = /f/i.test(word) ? 'f-strings are not supported in Starlark; use "%s" % x or "{}".format(x)' : `string prefix '${word}' is not supported`;
        throw this.error(what, position);
      }
      this.offset = end;
      if (isKeyword(word)) this.push(word, word, position);
      else if (RESERVED_WORDS.has(word)) throw this.error(`'${word}' is reserved and cannot be used as an identifier`, position);
      else this.push('IDENT', word, position, word);
      return;
    }
    if (character === '"' || character === "'") {
      this.scanString(start, position, false, false);
      return;
    }
    for (const [index, candidates] of PUNCTUATION_BY_LENGTH.entries()) {
      const text = this.source.substr(start, 3 - index);
      if (candidates.has(text)) {
        this.offset += text.length;
        if (text === '(' || text === '[' || text === '{') this.depth++;
        else if (text === ')' || text === ']' || text === '}') {
          if (this.depth === 0) throw this.error(`unexpected '${text}'`, position);
          this.depth--;
        }
        this.push(text as TokenKind, text, position);
        return;
      }
    }
    throw this.error(`unexpected input character ${describeCharacter(this.source, start)}`, position);
  }

  private scanString(tokenStart: number, position: SourcePosition, raw: boolean, bytes: boolean): void {
    const quote = this.source[this.offset];
    const triple = this.source.startsWith(quote.repeat(3), this.offset);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.offset += delimiter.length;
    const bodyStart = this.offset;
    let bodyEnd = -1;
    while (this.offset < this.source.length) {
      const character = this.source[this.offset];
      if (character === '\\') {
        if (this.source[this.offset + 1] === '\n') {
          this.offset++;
          this.newline();
        } else {
          this.offset += 2;
        }
        continue;
      }
      if (character === '\n') {
        if (!triple) throw this.error('unexpected newline in string', position);
        this.newline();
        continue;
      }
      if (this.source.startsWith(delimiter, this.offset)) {
        bodyEnd = this.offset;
        this.offset += delimiter.length;
        break;
      }
      this.offset++;
    }
    if (bodyEnd < 0) throw this.error('unexpected EOF in string', position);
    const body = this.source.slice(bodyStart, bodyEnd).replace(/\r\n/g, '\n');
    try {
      const decoded = decodeEscapes(body, raw, bytes);
      this.push(bytes ? 'BYTES' : 'STRING', this.source.slice(tokenStart, this.offset), position, decoded.value);
    } catch (error) {
      if (error instanceof EscapeError) throw this.error(error.message, position);
      throw error;
    }
  }

  private finish(): Token[] {
    const position = this.here();
    // Inside an unclosed bracket the parser should meet `end of file`, not a newline.
    if (this.tokens.length > 0 && this.lastKind() !== 'NEWLINE' && this.depth === 0) this.push('NEWLINE', '', position);
    while (this.indents.length > 1) {
      this.indents.pop();
      this.push('OUTDENT', '', position);
    }
    this.push('EOF', '', position);
    return this.tokens;
  }

  private lastKind(): TokenKind | undefined {
    return this.tokens[this.tokens.length - 1]?.kind;
  }

  private push(kind: TokenKind, text: string, position: SourcePosition, value?: Token['value']): void {
    this.tokens.push(value === undefined ? { kind, text, position } : { kind, text, position, value });
  }

  private here(): SourcePosition {
    return this.positionAt(this.offset);
  }

  private positionAt(offset: number): SourcePosition {
    return { file: this.filename, line: this.line, column: offset - this.lineStart + 1 };
  }

  private error(message: string, position: SourcePosition): StarlarkError {
    return new StarlarkError(message, {
      kind: 'syntax',
      position,
      diagnostics: [{ severity: 'error', code: 'starlark-syntax', message, position }],
    });
  }
}

/** `'$'`, or the code point in hex when it does not print. */
function describeCharacter(source: string, offset: number): string {
  const codePoint = source.codePointAt(offset) ?? 0;
  const character = String.fromCodePoint(codePoint);
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(character) ? `'${character}'` : `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

const isUnicodeLetter = lazyRegExp(() => /\p{L}/u);
const isUnicodeLetterOrDigit = lazyRegExp(() => /[\p{L}\p{Nd}]/u);

function isIdentifierStart(character: string): boolean {
  if (character < '\u0080') return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') || character === '_';
  return isUnicodeLetter(character);
}

function isIdentifierPart(character: string): boolean {
  if (character < '\u0080') return isIdentifierStart(character) || isDigit(character);
  return isUnicodeLetterOrDigit(character);
}
