import type {
  Argument, BinaryOperator, ComprehensionClause, DictEntry, Expression, Identifier, Literal, Parameter,
} from './ast.js';
import type { SourcePosition } from '../../util/index.js';
import type { StarlarkError } from '../errors.js';
import { describeToken, type TokenKind } from './token.js';
import { TokenCursor } from './token-cursor.js';

/** Binary operator tokens by precedence level, loosest first; level 2 is the prefix `not`. */
const BINARY_LEVELS: readonly (readonly TokenKind[])[] = [
  ['or'],
  ['and'],
  [],
  ['==', '!=', '<', '>', '<=', '>=', 'in', 'not'],
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '//', '%'],
];
const NOT_LEVEL = 2;
const COMPARISON_LEVEL = 3;
const UNARY_LEVEL = BINARY_LEVELS.length;
/** Deeper nesting is rejected so that later recursive passes cannot overflow the JS stack. */
const MAX_NESTING = 150;

/**
 * Tokens that end a comma-separated list: a comma before them is a trailing comma. The grammar
 * allows one only inside brackets; `a, b, = 1, 2` and `return 1, 2,` are errors, as in the
 * reference implementation.
 */
const LIST_TERMINATORS: ReadonlySet<TokenKind> = new Set<TokenKind>(['EOF', 'NEWLINE', '=', '}', ']', ')', ';']);

/**
 * Recursive-descent parser for expressions, following the reference implementation's grammar
 * (and its error wording); StatementParser extends it.
 */
export class ExpressionParser {
  private nesting = 0;

  constructor(protected readonly cursor: TokenCursor) {}

  /** Runs a recursive step, failing cleanly when expressions or blocks nest too deeply. */
  protected nested<T>(parse: () => T): T {
    if (++this.nesting > MAX_NESTING) throw this.cursor.error(`code nests too deeply (more than ${MAX_NESTING} levels)`);
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /**
   * Expression = Test {',' Test} — an unparenthesised tuple when there is a comma. Unlike
   * Python, no trailing comma: `a, b, = 1, 2` and `return 1, 2,` are errors (parenthesised
   * tuples, lists and argument lists do allow one).
   */
  parseExpression(): Expression {
    const first = this.parseTest();
    if (!this.cursor.is(',')) return first;
    const elements = [first];
    while (this.cursor.is(',')) {
      const comma = this.cursor.advance().position;
      if (LIST_TERMINATORS.has(this.cursor.current.kind)) {
        throw this.cursor.error('unparenthesized tuple with trailing comma', comma);
      }
      elements.push(this.parseTest());
    }
    return { kind: 'TupleExpression', position: first.position, elements };
  }

  /** Test = LambdaExpr | IfExpr | BinaryExpr. */
  parseTest(): Expression {
    return this.nested(() => this.parseTestUnchecked());
  }

  private parseTestUnchecked(): Expression {
    if (this.cursor.is('lambda')) return this.parseLambda(true);
    const value = this.parseBinary(0);
    if (!this.cursor.is('if')) return value;
    const position = this.cursor.advance().position;
    const condition = this.parseBinary(0);
    if (!this.cursor.consume('else')) throw this.cursor.error('conditional expression without else clause', position);
    const whenFalse = this.parseTest();
    return { kind: 'ConditionalExpression', position, condition, whenTrue: value, whenFalse };
  }

  /** A test without a trailing conditional expression (the `if` of a comprehension). */
  protected parseTestNoCondition(): Expression {
    if (this.cursor.is('lambda')) return this.parseLambda(false);
    return this.parseBinary(0);
  }

  private parseBinary(level: number): Expression {
    if (level === NOT_LEVEL) {
      if (!this.cursor.is('not')) return this.parseBinary(level + 1);
      const position = this.cursor.advance().position;
      return { kind: 'UnaryExpression', position, operator: 'not', operand: this.nested(() => this.parseBinary(NOT_LEVEL)) };
    }
    if (level === UNARY_LEVEL) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (let first = true; ; first = false) {
      const operator = this.binaryOperatorAt(level);
      if (!operator) return left;
      if (!first && level === COMPARISON_LEVEL) {
        const previous = (left as { operator: BinaryOperator }).operator;
        throw this.cursor.error(`${previous} does not associate with ${operator} (use parens)`);
      }
      const position = this.cursor.advance().position;
      if (operator === 'not in') this.cursor.advance();
      const right = this.parseBinary(level + 1);
      left = { kind: 'BinaryExpression', position, operator, left, right };
    }
  }

  private binaryOperatorAt(level: number): BinaryOperator | undefined {
    const kind = this.cursor.current.kind;
    // `not` after an operand can only start `not in`.
    if (kind === 'not' && this.cursor.peek().kind !== 'in') {
      throw this.cursor.error(`got ${describeToken(this.cursor.peek().kind)}, want in`, this.cursor.peek().position);
    }
    if (!BINARY_LEVELS[level].includes(kind)) return undefined;
    return kind === 'not' ? 'not in' : (kind as BinaryOperator);
  }

  private parseUnary(): Expression {
    const kind = this.cursor.current.kind;
    if (kind === '-' || kind === '+' || kind === '~') {
      const position = this.cursor.advance().position;
      return { kind: 'UnaryExpression', position, operator: kind, operand: this.nested(() => this.parseUnary()) };
    }
    return this.parsePrimaryWithSuffixes();
  }

  /** Primary = Operand {'.' name | '(' args ')' | '[' index or slice ']'}. */
  protected parsePrimaryWithSuffixes(): Expression {
    let expression = this.parseOperand();
    for (;;) {
      if (this.cursor.is('.')) {
        const position = this.cursor.advance().position;
        const name = this.parseIdentifierToken().text;
        expression = { kind: 'DotExpression', position, object: expression, name };
      } else if (this.cursor.is('(')) {
        const position = this.cursor.advance().position;
        expression = { kind: 'CallExpression', position, callee: expression, args: this.parseArguments(position) };
      } else if (this.cursor.is('[')) {
        expression = this.parseIndexOrSlice(expression);
      } else {
        return expression;
      }
    }
  }

  /** An identifier token, or the reference's `not an identifier` error (naming what was found). */
  protected parseIdentifierToken(): { text: string; position: Identifier['position'] } {
    const token = this.cursor.current;
    if (token.kind !== 'IDENT') throw this.cursor.error(`not an identifier (got ${describeToken(token.kind)})`);
    this.cursor.advance();
    return token;
  }

  /** `x[i]`, `x[i, j]` or `x[lo:hi:step]`; the index is an Expression without a trailing comma. */
  private parseIndexOrSlice(object: Expression): Expression {
    const position = this.cursor.advance().position;
    let start: Expression | undefined;
    if (!this.cursor.is(':')) {
      start = this.parseExpression();
      if (this.cursor.consume(']')) return { kind: 'IndexExpression', position, object, index: start };
    }
    let stop: Expression | undefined;
    let step: Expression | undefined;
    if (this.cursor.consume(':')) {
      if (!this.cursor.is(':') && !this.cursor.is(']')) stop = this.parseTest();
    }
    if (this.cursor.consume(':')) {
      if (!this.cursor.is(']')) step = this.parseTest();
    }
    this.cursor.expect(']');
    return { kind: 'SliceExpression', position, object, start, stop, step };
  }

  /**
   * Arguments in any order: their order rules are the resolver's, so that every misplaced
   * argument of a file is reported at once.
   */
  private parseArguments(open: SourcePosition): Argument[] {
    const args: Argument[] = [];
    while (!this.cursor.is(')') && !this.cursor.is('EOF')) {
      if (args.length > 0 && !this.cursor.consume(',')) throw this.unclosed("','", '(', open);
      if (this.cursor.is(')')) break;
      const position = this.cursor.current.position;
      if (this.cursor.consume('**')) {
        args.push({ kind: 'starstar', position, value: this.parseTest() });
      } else if (this.cursor.consume('*')) {
        args.push({ kind: 'star', position, value: this.parseTest() });
      } else {
        const value = this.parseTest();
        if (this.cursor.is('=')) {
          if (value.kind !== 'Identifier') throw this.cursor.error('keyword argument must have form name=expr');
          this.cursor.advance();
          args.push({ kind: 'keyword', position, name: value.name, value: this.parseTest() });
        } else {
          args.push({ kind: 'positional', position, value });
        }
      }
    }
    if (!this.cursor.consume(')')) throw this.unclosed("')'", '(', open);
    return args;
  }

  /**
   * `got X, want Y`, plus a hint when X is on a later line than the bracket it is inside: then
   * the likely mistake is a bracket left open.
   */
  protected unclosed(wanted: string, bracket: string, open: SourcePosition): StarlarkError {
    const error = this.cursor.unexpected(wanted);
    const current = this.cursor.current;
    if (current.kind === 'EOF' || current.position.line <= open.line) return error;
    return this.cursor.error(`${error.reason} (is a closing bracket missing? the '${bracket}' at ${open.line}:${open.column} is still open)`);
  }

  private parseOperand(): Expression {
    const token = this.cursor.current;
    switch (token.kind) {
      case 'IDENT':
        this.cursor.advance();
        return this.identifier(token.text, token.position);
      case 'INT':
      case 'FLOAT':
      case 'STRING':
      case 'BYTES':
        this.cursor.advance();
        return this.literal(token.kind, token.value!, token.text, token.position);
      case '(':
        return this.parseParenthesised();
      case '[':
        return this.parseListOrComprehension();
      case '{':
        return this.parseDictOrComprehension();
      default:
        throw this.cursor.unexpected('primary expression');
    }
  }

  protected identifier(name: string, position: Identifier['position']): Identifier {
    return { kind: 'Identifier', position, name };
  }

  private literal(kind: 'INT' | 'FLOAT' | 'STRING' | 'BYTES', value: NonNullable<unknown>, raw: string, position: Literal['position']): Literal {
    switch (kind) {
      case 'INT':
        return { kind: 'Literal', position, raw, literal: { type: 'int', value: value as number | bigint } };
      case 'FLOAT':
        return { kind: 'Literal', position, raw, literal: { type: 'float', value: value as number } };
      case 'STRING':
        return { kind: 'Literal', position, raw, literal: { type: 'string', value: value as string } };
      case 'BYTES':
        return { kind: 'Literal', position, raw, literal: { type: 'bytes', value: value as Uint8Array } };
    }
  }

  /** `()`, `(x)` or a tuple `(x, y)`; inside parentheses a trailing comma is allowed. */
  private parseParenthesised(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume(')')) return { kind: 'TupleExpression', position, elements: [] };
    const first = this.parseTest();
    if (this.cursor.consume(')')) return first;
    if (!this.cursor.is(',')) throw this.unclosed("')'", '(', position);
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is(')')) break;
      elements.push(this.parseTest());
    }
    if (!this.cursor.consume(')')) throw this.unclosed("')'", '(', position);
    return { kind: 'TupleExpression', position, elements };
  }

  private parseListOrComprehension(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume(']')) return { kind: 'ListExpression', position, elements: [] };
    const first = this.parseTest();
    if (this.cursor.is('for')) return { kind: 'Comprehension', position, body: first, clauses: this.parseComprehensionClauses(']') };
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is(']')) break;
      elements.push(this.parseTest());
    }
    if (!this.cursor.consume(']')) throw this.unclosed("']'", '[', position);
    return { kind: 'ListExpression', position, elements };
  }

  private parseDictOrComprehension(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume('}')) return { kind: 'DictExpression', position, entries: [] };
    const first = this.parseDictEntry();
    if (this.cursor.is('for')) return { kind: 'Comprehension', position, body: first, clauses: this.parseComprehensionClauses('}') };
    const entries = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is('}')) break;
      entries.push(this.parseDictEntry());
    }
    if (!this.cursor.consume('}')) throw this.unclosed("'}'", '{', position);
    return { kind: 'DictExpression', position, entries };
  }

  private parseDictEntry(): DictEntry {
    const key = this.parseTest();
    const position = this.cursor.expect(':').position;
    return { kind: 'DictEntry', position, key, value: this.parseTest() };
  }

  /**
   * The `for`/`if` clauses up to the closing bracket. As in Python 3 and the reference, the
   * operand of `in` is a plain binary expression: a lambda, a conditional expression or an
   * unparenthesised tuple there is an error.
   */
  private parseComprehensionClauses(closing: ']' | '}'): ComprehensionClause[] {
    const clauses: ComprehensionClause[] = [];
    while (!this.cursor.consume(closing)) {
      const position = this.cursor.current.position;
      if (this.cursor.consume('for')) {
        const target = this.parseLoopVariables();
        this.cursor.expect('in');
        clauses.push({ kind: 'for', position, target, iterable: this.parseBinary(0) });
      } else if (this.cursor.consume('if')) {
        clauses.push({ kind: 'if', position, condition: this.parseTestNoCondition() });
      } else {
        throw this.cursor.unexpected(`${describeToken(closing)}, for, or if`);
      }
    }
    return clauses;
  }

  /** LoopVariables = Primary {',' Primary}: `for x, y in ...` (no trailing comma before `in`). */
  protected parseLoopVariables(): Expression {
    const first = this.parsePrimaryWithSuffixes();
    if (!this.cursor.is(',')) return first;
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (LIST_TERMINATORS.has(this.cursor.current.kind)) break;
      elements.push(this.parsePrimaryWithSuffixes());
    }
    return { kind: 'TupleExpression', position: first.position, elements };
  }

  private parseLambda(allowCondition: boolean): Expression {
    const position = this.cursor.advance().position;
    const parameters = this.parseParameters(':');
    this.cursor.expect(':');
    const body = allowCondition ? this.parseTest() : this.parseTestNoCondition();
    return { kind: 'LambdaExpression', position, parameters, body };
  }

  /**
   * Parameters up to (not including) `closing`. Their order rules (optional before required,
   * one `*`, `**` last, ...) are checked by the resolver, which reports every violation.
   */
  protected parseParameters(closing: ')' | ':'): Parameter[] {
    const parameters: Parameter[] = [];
    while (!this.cursor.is(closing) && !this.cursor.is('EOF')) {
      if (parameters.length > 0) this.cursor.expect(',');
      if (this.cursor.is(closing)) break;
      const position = this.cursor.current.position;
      if (this.cursor.consume('**')) {
        const name = this.parseIdentifierToken();
        parameters.push({ kind: 'starstar', position, name: this.identifier(name.text, name.position) });
      } else if (this.cursor.consume('*')) {
        const name = this.cursor.is('IDENT') ? this.cursor.advance() : undefined;
        parameters.push({ kind: 'star', position, name: name && this.identifier(name.text, name.position) });
      } else {
        const name = this.parseIdentifierToken();
        const identifier = this.identifier(name.text, name.position);
        if (this.cursor.consume('=')) parameters.push({ kind: 'optional', position, name: identifier, defaultValue: this.parseTest() });
        else parameters.push({ kind: 'required', position, name: identifier });
      }
    }
    return parameters;
  }
}
