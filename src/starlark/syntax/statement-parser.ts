import type { AssignOperator, Expression, LoadBinding, Statement } from './ast.js';
import { describeToken, type TokenKind } from './token.js';
import { ExpressionParser } from './expression-parser.js';

const ASSIGN_OPERATORS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  '=', '+=', '-=', '*=', '/=', '//=', '%=', '&=', '|=', '^=', '<<=', '>>=',
]);

/** Parses statements and suites on top of the expression grammar. */
export class StatementParser extends ExpressionParser {
  parseStatements(): Statement[] {
    const statements: Statement[] = [];
    while (!this.cursor.is('EOF')) {
      if (this.cursor.consume('NEWLINE')) continue;
      statements.push(...this.parseStatement());
    }
    return statements;
  }

  private parseStatement(): Statement[] {
    switch (this.cursor.current.kind) {
      case 'def':
        return [this.parseDef()];
      case 'if':
        return [this.parseIf()];
      case 'for':
        return [this.parseFor()];
      case 'while':
        return [this.parseWhile()];
      default:
        return this.parseSimpleStatements();
    }
  }

  private parseDef(): Statement {
    const position = this.cursor.advance().position;
    const nameToken = this.parseIdentifierToken();
    this.cursor.expect('(');
    const parameters = this.parseParameters(')');
    this.cursor.expect(')');
    this.cursor.expect(':');
    const body = this.parseSuite();
    return { kind: 'DefStatement', position, name: this.identifier(nameToken.text, nameToken.position), parameters, body };
  }

  /** Handles `if` and `elif` (an elif becomes a nested IfStatement in the else body). */
  private parseIf(): Statement {
    const position = this.cursor.advance().position;
    const condition = this.parseTest();
    this.cursor.expect(':');
    const thenBody = this.parseSuite();
    let elseBody: Statement[] = [];
    if (this.cursor.is('elif')) {
      elseBody = [this.parseIf()];
    } else if (this.cursor.consume('else')) {
      this.cursor.expect(':');
      elseBody = this.parseSuite();
    }
    return { kind: 'IfStatement', position, condition, thenBody, elseBody };
  }

  private parseFor(): Statement {
    const position = this.cursor.advance().position;
    const target = this.parseLoopVariables();
    this.cursor.expect('in');
    const iterable = this.parseExpression();
    this.cursor.expect(':');
    return { kind: 'ForStatement', position, target, iterable, body: this.parseSuite() };
  }

  /** Parsed only to be rejected by the resolver with a positioned error. */
  private parseWhile(): Statement {
    const position = this.cursor.advance().position;
    const condition = this.parseTest();
    this.cursor.expect(':');
    return { kind: 'WhileStatement', position, condition, body: this.parseSuite() };
  }

  /** Suite = NEWLINE INDENT {Statement} OUTDENT | SimpleStatement. */
  private parseSuite(): Statement[] {
    return this.nested(() => this.parseSuiteUnchecked());
  }

  private parseSuiteUnchecked(): Statement[] {
    if (!this.cursor.consume('NEWLINE')) return this.parseSimpleStatements();
    this.cursor.expect('INDENT');
    const body: Statement[] = [];
    while (!this.cursor.consume('OUTDENT')) {
      if (this.cursor.is('EOF')) throw this.cursor.unexpected('outdent');
      body.push(...this.parseStatement());
    }
    return body;
  }

  /** SmallStatement {';' SmallStatement} [';'] NEWLINE. */
  private parseSimpleStatements(): Statement[] {
    const statements = [this.parseSmallStatement()];
    while (this.cursor.consume(';')) {
      if (this.cursor.is('NEWLINE') || this.cursor.is('EOF')) break;
      statements.push(this.parseSmallStatement());
    }
    if (!this.cursor.consume('NEWLINE') && !this.cursor.is('EOF')) throw this.cursor.unexpected('newline');
    return statements;
  }

  private parseSmallStatement(): Statement {
    const token = this.cursor.current;
    const position = token.position;
    switch (token.kind) {
      case 'return': {
        this.cursor.advance();
        const atEnd = this.cursor.is('NEWLINE') || this.cursor.is(';') || this.cursor.is('EOF');
        return { kind: 'ReturnStatement', position, value: atEnd ? undefined : this.parseExpression() };
      }
      case 'break':
      case 'continue':
        this.cursor.advance();
        return { kind: 'BranchStatement', position, branch: token.kind };
      case 'pass':
        this.cursor.advance();
        return { kind: 'PassStatement', position };
      case 'load':
        return this.parseLoad();
      default:
        return this.parseExpressionOrAssignment();
    }
  }

  private parseExpressionOrAssignment(): Statement {
    const start = this.cursor.current.position;
    const target = this.parseExpression();
    const operator = this.cursor.current.kind;
    if (!ASSIGN_OPERATORS.has(operator)) return { kind: 'ExpressionStatement', position: start, expression: target };
    const position = this.cursor.advance().position;
    const value: Expression = this.parseExpression();
    return { kind: 'AssignStatement', position, operator: operator as AssignOperator, target, value };
  }

  /** load("module", "a", b = "c"), with the reference implementation's errors. */
  private parseLoad(): Statement {
    const position = this.cursor.advance().position;
    const openParenthesis = this.cursor.expect('(').position;
    if (!this.cursor.is('STRING')) throw this.cursor.error('first operand of load statement must be a string literal');
    const moduleToken = this.cursor.advance();
    const bindings: LoadBinding[] = [];
    while (!this.cursor.is(')') && !this.cursor.is('EOF')) {
      this.cursor.expect(',');
      if (this.cursor.is(')')) break;
      const token = this.cursor.current;
      if (token.kind === 'STRING') {
        this.cursor.advance();
        const name = token.value as string;
        bindings.push({ local: this.identifier(name, token.position), exported: name });
      } else if (token.kind === 'IDENT') {
        this.cursor.advance();
        if (!this.cursor.is('=')) {
          throw this.cursor.error(`load operand must be "${token.text}" or ${token.text}="originalname" (want '=' after ${token.text})`);
        }
        this.cursor.advance();
        const exported = this.cursor.current;
        if (exported.kind !== 'STRING') throw this.cursor.error(`original name of loaded symbol must be quoted: ${token.text}="originalname"`);
        this.cursor.advance();
        bindings.push({ local: this.identifier(token.text, token.position), exported: exported.value as string });
      } else {
        throw this.cursor.error(`load operand must be "name" or localname="name" (got ${describeToken(token.kind)})`);
      }
    }
    this.cursor.expect(')');
    if (bindings.length === 0) throw this.cursor.error('load statement must import at least 1 symbol', openParenthesis);
    return { kind: 'LoadStatement', position, module: moduleToken.value as string, bindings };
  }
}
