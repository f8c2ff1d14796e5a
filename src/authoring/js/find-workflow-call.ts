import ts from 'typescript';
import { formatPosition, type Diagnostic } from '../../util/index.js';
import type { SourceText } from '../source-text.js';
import { describeSyntax, stripTypeSyntax } from './read-literal.js';

/** The module a declarative workflow may import `workflow` from (the import is optional). */
export const WHALEFLOW_MODULE = 'whaleflow';

/**
 * Finds the one `workflow({...})` call of a declarative file, as a statement or as
 * `export default workflow({...})`. Imports from 'whaleflow', type declarations and empty
 * statements are allowed beside it; any other statement is a diagnostic (nothing runs).
 */
export function findWorkflowCall(sourceFile: ts.SourceFile, text: SourceText, diagnostics: Diagnostic[]): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const report = (node: ts.Node, code: string, message: string): void => {
    diagnostics.push({ severity: 'error', code, message, position: text.positionAt(node.getStart(sourceFile)) });
  };
  for (const statement of sourceFile.statements) {
    if (isIgnorable(statement)) continue;
    if (ts.isImportDeclaration(statement)) {
      const module = ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : '';
      if (module !== WHALEFLOW_MODULE && !statement.importClause?.isTypeOnly) {
        report(statement, 'js-import', `only \`import { workflow } from '${WHALEFLOW_MODULE}'\` is allowed; a declarative workflow runs no code`);
      }
      continue;
    }
    const expression = ts.isExpressionStatement(statement) ? statement.expression : ts.isExportAssignment(statement) ? statement.expression : undefined;
    if (!expression) {
      report(statement, 'js-statement', `a declarative workflow file holds one workflow({...}) call (and imports or types), not ${describeStatement(statement)}`);
      continue;
    }
    const call = stripTypeSyntax(expression);
    if (!isWorkflowCall(call)) {
      report(call, 'js-statement', `expected workflow({...}), found ${describeSyntax(call)}`);
      continue;
    }
    if (found) {
      report(call, 'js-workflow-twice', `workflow() is called twice; the first call is at ${formatPosition(text.positionAt(found.getStart(sourceFile)))}`);
      continue;
    }
    found = call;
  }
  return found;
}

function isWorkflowCall(expression: ts.Expression): expression is ts.CallExpression {
  return ts.isCallExpression(expression) && ts.isIdentifier(expression.expression) && expression.expression.text === 'workflow';
}

function isIgnorable(statement: ts.Statement): boolean {
  return ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEmptyStatement(statement);
}

function describeStatement(statement: ts.Statement): string {
  if (ts.isVariableStatement(statement)) return 'a variable declaration';
  if (ts.isFunctionDeclaration(statement)) return 'a function declaration';
  if (ts.isClassDeclaration(statement)) return 'a class declaration';
  if (ts.isExportDeclaration(statement)) return 'an export list';
  if (ts.isIfStatement(statement) || ts.isForStatement(statement) || ts.isForOfStatement(statement) || ts.isWhileStatement(statement)) {
    return 'control flow';
  }
  return `a ${ts.SyntaxKind[statement.kind]}`;
}
