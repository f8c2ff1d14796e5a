import type { SourcePosition } from '../../util/index.js';
import { StarlarkError } from '../errors.js';
import { describeToken, type Token, type TokenKind } from './token.js';

/** A read position in the token list with the `expect`/`consume` helpers the parser uses. */
export class TokenCursor {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  get current(): Token {
    return this.tokens[this.index];
  }

  peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  is(kind: TokenKind): boolean {
    return this.tokens[this.index].kind === kind;
  }

  advance(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'EOF') this.index++;
    return token;
  }

  /** Consumes the token when it has this kind. */
  consume(kind: TokenKind): boolean {
    if (!this.is(kind)) return false;
    this.advance();
    return true;
  }

  expect(kind: TokenKind): Token {
    if (!this.is(kind)) throw this.unexpected(describeToken(kind));
    return this.advance();
  }

  /** `got X, want Y` at the current token (the reference implementation's wording). */
  unexpected(wanted: string): StarlarkError {
    return this.error(`got ${describeToken(this.current.kind)}, want ${wanted}`);
  }

  error(message: string, position: SourcePosition = this.current.position): StarlarkError {
    return new StarlarkError(message, {
      kind: 'syntax',
      position,
      diagnostics: [{ severity: 'error', code: 'starlark-syntax', message, position }],
    });
  }
}
