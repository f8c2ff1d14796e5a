import type {
  Argument, BinaryOperator, ComprehensionClause, DictEntry, Expression, Identifier, Literal, Parameter,
} from './ast.js';
import type { TokenKind } from './token.js';
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

/** Tokens that may end an expression list (so a trailing comma is allowed before them). */
const EXPRESSION_TERMINATORS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'NEWLINE', 'EOF', ')', ']', '}', '=', ';', ':', 'in',
  '+=', '-=', '*=', '/=', '//=', '%=', '&=', '|=', '^=', '<<=', '>>=',
]);

/** Recursive-descent parser for expressions; StatementParser extends it. */
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

  /** Expression = Test {',' Test} — an unparenthesised tuple when there is a comma. */
  parseExpression(): Expression {
    const first = this.parseTest();
    if (!this.cursor.is(',')) return first;
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (EXPRESSION_TERMINATORS.has(this.cursor.current.kind)) break;
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
    if (!this.cursor.consume('else')) throw this.cursor.unexpected("'else' in conditional expression");
    const whenFalse = this.parseTest();
    return { kind: 'ConditionalExpression', position, condition, whenTrue: value, whenFalse };
  }

  /** A test without a conditional expression (comprehension clauses). */
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
    for (;;) {
      const operator = this.binaryOperatorAt(level);
      if (!operator) return left;
      const position = this.cursor.advance().position;
      if (operator === 'not in') this.cursor.advance();
      const right = this.parseBinary(level + 1);
      left = { kind: 'BinaryExpression', position, operator, left, right };
      if (level === COMPARISON_LEVEL && this.binaryOperatorAt(level)) {
        throw this.cursor.error(`${operator} does not associate with ${this.binaryOperatorAt(level)} (use parentheses)`);
      }
    }
  }

  private binaryOperatorAt(level: number): BinaryOperator | undefined {
    const kind = this.cursor.current.kind;
    if (!BINARY_LEVELS[level].includes(kind)) return undefined;
    if (kind === 'not') return this.cursor.peek().kind === 'in' ? 'not in' : undefined;
    return kind as BinaryOperator;
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
        const name = this.cursor.expect('IDENT').text;
        expression = { kind: 'DotExpression', position, object: expression, name };
      } else if (this.cursor.is('(')) {
        const position = this.cursor.advance().position;
        expression = { kind: 'CallExpression', position, callee: expression, args: this.parseArguments() };
      } else if (this.cursor.is('[')) {
        expression = this.parseIndexOrSlice(expression);
      } else {
        return expression;
      }
    }
  }

  private parseIndexOrSlice(object: Expression): Expression {
    const position = this.cursor.advance().position;
    let start: Expression | undefined;
    if (!this.cursor.is(':')) {
      start = this.parseExpression();
      if (this.cursor.consume(']')) return { kind: 'IndexExpression', position, object, index: start };
    }
    this.cursor.expect(':');
    const stop = this.cursor.is(':') || this.cursor.is(']') ? undefined : this.parseTest();
    let step: Expression | undefined;
    if (this.cursor.consume(':') && !this.cursor.is(']')) step = this.parseTest();
    this.cursor.expect(']');
    return { kind: 'SliceExpression', position, object, start, stop, step };
  }

  private parseArguments(): Argument[] {
    const args: Argument[] = [];
    let seen: 'positional' | 'keyword' | 'star' | 'starstar' = 'positional';
    while (!this.cursor.is(')')) {
      const position = this.cursor.current.position;
      let argument: Argument;
      if (this.cursor.consume('**')) {
        if (seen === 'starstar') throw this.cursor.error('multiple **kwargs arguments are not allowed', position);
        argument = { kind: 'starstar', position, value: this.parseTest() };
        seen = 'starstar';
      } else if (this.cursor.consume('*')) {
        if (seen === 'star' || seen === 'starstar') throw this.cursor.error('*args may not follow *args or **kwargs', position);
        argument = { kind: 'star', position, value: this.parseTest() };
        seen = 'star';
      } else if (this.cursor.is('IDENT') && this.cursor.peek().kind === '=') {
        if (seen === 'starstar') throw this.cursor.error('keyword argument may not follow **kwargs', position);
        const name = this.cursor.advance().text;
        this.cursor.advance();
        argument = { kind: 'keyword', position, name, value: this.parseTest() };
        if (seen === 'positional') seen = 'keyword';
      } else {
        if (seen === 'keyword') throw this.cursor.error('positional argument may not follow named argument', position);
        if (seen !== 'positional') throw this.cursor.error(`positional argument may not follow ${seen === 'star' ? '*args' : '**kwargs'}`, position);
        argument = { kind: 'positional', position, value: this.parseTest() };
      }
      args.push(argument);
      if (!this.cursor.consume(',')) break;
    }
    this.cursor.expect(')');
    return args;
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
        throw this.cursor.unexpected('an expression');
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

  private parseParenthesised(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume(')')) return { kind: 'TupleExpression', position, elements: [] };
    const first = this.parseTest();
    if (this.cursor.consume(')')) return first;
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is(')')) break;
      elements.push(this.parseTest());
    }
    this.cursor.expect(')');
    return { kind: 'TupleExpression', position, elements };
  }

  private parseListOrComprehension(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume(']')) return { kind: 'ListExpression', position, elements: [] };
    const first = this.parseTest();
    if (this.cursor.is('for')) {
      const clauses = this.parseComprehensionClauses(']');
      return { kind: 'Comprehension', position, body: first, clauses };
    }
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is(']')) break;
      elements.push(this.parseTest());
    }
    this.cursor.expect(']');
    return { kind: 'ListExpression', position, elements };
  }

  private parseDictOrComprehension(): Expression {
    const position = this.cursor.advance().position;
    if (this.cursor.consume('}')) return { kind: 'DictExpression', position, entries: [] };
    const first = this.parseDictEntry();
    if (this.cursor.is('for')) {
      const clauses = this.parseComprehensionClauses('}');
      return { kind: 'Comprehension', position, body: first, clauses };
    }
    const entries = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is('}')) break;
      entries.push(this.parseDictEntry());
    }
    this.cursor.expect('}');
    return { kind: 'DictExpression', position, entries };
  }

  private parseDictEntry(): DictEntry {
    const key = this.parseTest();
    const position = this.cursor.expect(':').position;
    return { kind: 'DictEntry', position, key, value: this.parseTest() };
  }

  private parseComprehensionClauses(closing: ']' | '}'): ComprehensionClause[] {
    const clauses: ComprehensionClause[] = [];
    for (;;) {
      const position = this.cursor.current.position;
      if (this.cursor.consume('for')) {
        const target = this.parseLoopVariables();
        this.cursor.expect('in');
        clauses.push({ kind: 'for', position, target, iterable: this.parseTestNoCondition() });
      } else if (this.cursor.consume('if')) {
        clauses.push({ kind: 'if', position, condition: this.parseTestNoCondition() });
      } else {
        this.cursor.expect(closing);
        return clauses;
      }
    }
  }

  /** LoopVariables = Primary {',' Primary}: `for x, y in ...`. */
  protected parseLoopVariables(): Expression {
    const first = this.parsePrimaryWithSuffixes();
    if (!this.cursor.is(',')) return first;
    const elements = [first];
    while (this.cursor.consume(',')) {
      if (this.cursor.is('in')) break;
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

  /** Parameters up to (not including) `closing`, checking their order. */
  protected parseParameters(closing: ')' | ':'): Parameter[] {
    const parameters: Parameter[] = [];
    let sawOptional = false;
    let sawStar = false;
    let sawStarStar = false;
    while (!this.cursor.is(closing)) {
      const position = this.cursor.current.position;
      if (sawStarStar) throw this.cursor.error('**kwargs parameter must be last');
      if (this.cursor.consume('**')) {
        const name = this.cursor.expect('IDENT');
        parameters.push({ kind: 'starstar', position, name: this.identifier(name.text, name.position) });
        sawStarStar = true;
      } else if (this.cursor.consume('*')) {
        if (sawStar) throw this.cursor.error('multiple * parameters are not allowed', position);
        sawStar = true;
        const name = this.cursor.is('IDENT') ? this.cursor.advance() : undefined;
        parameters.push({ kind: 'star', position, name: name && this.identifier(name.text, name.position) });
      } else {
        const name = this.cursor.expect('IDENT');
        const identifier = this.identifier(name.text, name.position);
        if (this.cursor.consume('=')) {
          parameters.push({ kind: 'optional', position, name: identifier, defaultValue: this.parseTest() });
          sawOptional = true;
        } else {
          if (sawOptional && !sawStar) throw this.cursor.error('required parameter may not follow optional', position);
          parameters.push({ kind: 'required', position, name: identifier });
        }
      }
      if (!this.cursor.consume(',')) break;
    }
    const bare = parameters.find((parameter) => parameter.kind === 'star' && !parameter.name);
    if (bare) {
      const index = parameters.indexOf(bare);
      const next = parameters[index + 1];
      if (!next || next.kind === 'starstar') throw this.cursor.error('bare * must be followed by keyword-only parameters', bare.position);
    }
    return parameters;
  }
}
