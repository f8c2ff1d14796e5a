import ts from 'typescript';
import type { Diagnostic } from '../../util/index.js';

/**
 * A `.workflow.js` with no workflow({...}) call anywhere, no statement that calls anything and
 * nothing imperative either (a helper module, shared constants, an empty file) is not a
 * workflow: one diagnostic says so and names what the file declares, instead of one complaint
 * per statement.
 */
export function notAWorkflowDiagnostic(sourceFile: ts.SourceFile, file: string): Diagnostic | undefined {
  if (containsWorkflowCall(sourceFile) || sourceFile.statements.some(ts.isExpressionStatement)) return undefined;
  const declared = declaredNames(sourceFile);
  const contents =
    sourceFile.statements.length === 0 ? 'the file has no statements' : declared.length > 0 ? `it declares ${abbreviateList(declared)}` : 'it has no workflow({...}) call';
  return {
    severity: 'error',
    code: 'js-not-a-workflow',
    message: `not a workflow: ${contents}; a workflow file is export default workflow({ goal: "...", nodes: [...] })`,
    position: { file, line: 1, column: 1 },
  };
}

function containsWorkflowCall(root: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'workflow') {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

function declaredNames(sourceFile: ts.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of sourceFile.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.push(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
    }
  }
  return names;
}

function abbreviateList(names: readonly string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}
