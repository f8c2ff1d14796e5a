import ts from 'typescript';
import type { Diagnostic } from '../../util/index.js';
import { MAX_NESTING } from '../limits.js';
import type { SourceText } from '../source-text.js';
import type { Literal, LiteralEntry } from './literal.js';

/**
 * Reads an expression that must be literal data: objects, arrays, strings (including template
 * literals without `${}`), numbers (a leading minus is fine), booleans and null. Type syntax
 * (`as const`, `satisfies T`, `<T>x`, `x!`, parentheses) is looked through. Anything else is a
 * positioned diagnostic; nothing is ever evaluated.
 */
export function readLiteral(expression: ts.Expression, text: SourceText, diagnostics: Diagnostic[]): Literal | undefined {
  return new LiteralReader(text, diagnostics).read(expression, 0);
}

class LiteralReader {
  constructor(
    private readonly text: SourceText,
    private readonly diagnostics: Diagnostic[],
  ) {}

  read(node: ts.Expression, depth: number): Literal | undefined {
    const expression = stripTypeSyntax(node);
    const position = this.positionOf(expression);
    if (depth > MAX_NESTING) return this.reject(expression, `nesting is deeper than ${MAX_NESTING} levels`);
    if (ts.isObjectLiteralExpression(expression)) return this.readObject(expression, depth);
    if (ts.isArrayLiteralExpression(expression)) return this.readArray(expression, depth);
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) {
      return { kind: 'scalar', position, value: expression.text };
    }
    if (ts.isNumericLiteral(expression)) return { kind: 'scalar', position, value: Number(expression.text) };
    if (ts.isPrefixUnaryExpression(expression) && isSign(expression.operator) && ts.isNumericLiteral(stripTypeSyntax(expression.operand))) {
      const magnitude = Number((stripTypeSyntax(expression.operand) as ts.NumericLiteral).text);
      return { kind: 'scalar', position, value: expression.operator === ts.SyntaxKind.MinusToken ? -magnitude : magnitude };
    }
    switch (expression.kind) {
      case ts.SyntaxKind.TrueKeyword:
        return { kind: 'scalar', position, value: true };
      case ts.SyntaxKind.FalseKeyword:
        return { kind: 'scalar', position, value: false };
      case ts.SyntaxKind.NullKeyword:
        return { kind: 'scalar', position, value: null };
      default:
        return this.reject(expression, `only literal data is allowed here, not ${describeSyntax(expression)}`);
    }
  }

  private readObject(object: ts.ObjectLiteralExpression, depth: number): Literal | undefined {
    const entries: LiteralEntry[] = [];
    const seen = new Set<string>();
    let ok = true;
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property)) {
        this.reject(property, `only "key: value" entries are allowed in a workflow object, not ${describeSyntax(property)}`);
        ok = false;
        continue;
      }
      const key = propertyKey(property.name);
      if (key === undefined) {
        this.reject(property.name, `a key must be a plain name or a string, not ${describeSyntax(property.name)}`);
        ok = false;
        continue;
      }
      if (seen.has(key)) {
        this.reject(property.name, `duplicate key "${key}"`);
        ok = false;
        continue;
      }
      seen.add(key);
      const value = this.read(property.initializer, depth + 1);
      if (value === undefined) ok = false;
      else entries.push({ key, keyPosition: this.positionOf(property.name), value });
    }
    return ok ? { kind: 'object', position: this.positionOf(object), entries } : undefined;
  }

  private readArray(array: ts.ArrayLiteralExpression, depth: number): Literal | undefined {
    const elements: Literal[] = [];
    let ok = true;
    for (const element of array.elements) {
      const value = ts.isOmittedExpression(element) ? this.reject(element, 'a hole in a list (two commas in a row) is not allowed') : this.read(element, depth + 1);
      if (value === undefined) ok = false;
      else elements.push(value);
    }
    return ok ? { kind: 'array', position: this.positionOf(array), elements } : undefined;
  }

  private positionOf(node: ts.Node) {
    return this.text.positionAt(node.getStart());
  }

  private reject(node: ts.Node, message: string): undefined {
    this.diagnostics.push({ severity: 'error', code: 'js-not-literal', message, position: this.positionOf(node) });
    return undefined;
  }
}

function isSign(operator: ts.PrefixUnaryOperator): boolean {
  return operator === ts.SyntaxKind.MinusToken || operator === ts.SyntaxKind.PlusToken;
}

/** Looks through syntax that only concerns types: it changes nothing about the data. */
export function stripTypeSyntax(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
    else if (ts.isTypeAssertionExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    else return current;
  }
}

function propertyKey(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  return undefined;
}

const SYNTAX_DESCRIPTIONS: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.CallExpression]: 'a function call',
  [ts.SyntaxKind.NewExpression]: 'a `new` expression',
  [ts.SyntaxKind.ArrowFunction]: 'an arrow function',
  [ts.SyntaxKind.FunctionExpression]: 'a function',
  [ts.SyntaxKind.ClassExpression]: 'a class',
  [ts.SyntaxKind.SpreadAssignment]: 'a spread (`...`)',
  [ts.SyntaxKind.SpreadElement]: 'a spread (`...`)',
  [ts.SyntaxKind.ShorthandPropertyAssignment]: 'a shorthand property (it refers to a variable)',
  [ts.SyntaxKind.MethodDeclaration]: 'a method',
  [ts.SyntaxKind.GetAccessor]: 'a getter',
  [ts.SyntaxKind.SetAccessor]: 'a setter',
  [ts.SyntaxKind.ComputedPropertyName]: 'a computed key (`[...]`)',
  [ts.SyntaxKind.PrivateIdentifier]: 'a private name',
  [ts.SyntaxKind.TemplateExpression]: 'a template literal with `${}` expressions',
  [ts.SyntaxKind.TaggedTemplateExpression]: 'a tagged template',
  [ts.SyntaxKind.BinaryExpression]: 'an operator expression',
  [ts.SyntaxKind.ConditionalExpression]: 'a conditional expression',
  [ts.SyntaxKind.PropertyAccessExpression]: 'a property access',
  [ts.SyntaxKind.ElementAccessExpression]: 'an index expression',
  [ts.SyntaxKind.BigIntLiteral]: 'a bigint',
  [ts.SyntaxKind.RegularExpressionLiteral]: 'a regular expression',
  [ts.SyntaxKind.AwaitExpression]: 'an await expression',
  [ts.SyntaxKind.TypeOfExpression]: 'a typeof expression',
  [ts.SyntaxKind.VoidExpression]: 'a void expression',
  [ts.SyntaxKind.PrefixUnaryExpression]: 'an operator expression',
  [ts.SyntaxKind.PostfixUnaryExpression]: 'an operator expression',
  [ts.SyntaxKind.ThisKeyword]: '`this`',
};

/** A short human name for a piece of syntax, for "not X" messages. */
export function describeSyntax(node: ts.Node): string {
  if (ts.isIdentifier(node)) return `an identifier (\`${node.text}\`)`;
  return SYNTAX_DESCRIPTIONS[node.kind] ?? `a ${ts.SyntaxKind[node.kind]}`;
}
