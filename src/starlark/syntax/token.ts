import type { SourcePosition } from '../../util/index.js';

export const KEYWORDS = [
  'and', 'break', 'continue', 'def', 'elif', 'else', 'for', 'if', 'in', 'lambda', 'load', 'not', 'or', 'pass',
  'return', 'while',
] as const;

/** Reserved for Python compatibility: never identifiers, never valid syntax. */
export const RESERVED_WORDS = new Set([
  'as', 'assert', 'async', 'await', 'class', 'del', 'except', 'finally', 'from', 'global', 'import', 'is',
  'nonlocal', 'raise', 'try', 'with', 'yield',
]);

export const PUNCTUATION = [
  '**=', '//=', '<<=', '>>=',
  '**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '~', '&', '|', '^', '.', ',', '=', ';', ':', '(', ')', '[', ']', '{', '}', '<', '>',
] as const;

export type Keyword = (typeof KEYWORDS)[number];
export type Punctuation = (typeof PUNCTUATION)[number];
export type LiteralKind = 'INT' | 'FLOAT' | 'STRING' | 'BYTES';
export type TokenKind = 'EOF' | 'NEWLINE' | 'INDENT' | 'OUTDENT' | 'IDENT' | LiteralKind | Keyword | Punctuation;

/** One token. `value` holds the decoded literal (number|bigint for INT, Uint8Array for BYTES). */
export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (empty for synthetic tokens such as INDENT). */
  readonly text: string;
  readonly position: SourcePosition;
  readonly value?: string | number | bigint | Uint8Array;
}

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(word: string): word is Keyword {
  return KEYWORD_SET.has(word);
}

/**
 * How a token reads in an error message, as the reference implementation spells it:
 * `got identifier, want newline`, `got ')', want ':'`, `got for, want ':'` (punctuation is
 * quoted, keywords are not).
 */
export function describeToken(kind: TokenKind): string {
  switch (kind) {
    case 'EOF':
      return 'end of file';
    case 'NEWLINE':
      return 'newline';
    case 'INDENT':
      return 'indent';
    case 'OUTDENT':
      return 'outdent';
    case 'IDENT':
      return 'identifier';
    case 'INT':
      return 'int literal';
    case 'FLOAT':
      return 'float literal';
    case 'STRING':
      return 'string literal';
    case 'BYTES':
      return 'bytes literal';
    default:
      return isKeyword(kind) ? kind : `'${kind}'`;
  }
}
