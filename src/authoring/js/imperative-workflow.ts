import ts from 'typescript';
import type { Diagnostic, SourcePosition } from '../../util/index.js';
import type { SourceText } from '../source-text.js';
import { declarativeEquivalent, IMPERATIVE_CALLS, type ImperativeCall } from './declarative-equivalent.js';

const imperativeNames: ReadonlySet<string> = new Set(IMPERATIVE_CALLS);

/**
 * CodeWhale also runs *imperative* workflow files — `export default async function (args) {
 * phase(...); await parallel([...]); task({...}) }` — in a JS VM. WhaleFlow never executes
 * workflow code (a non-goal of this milestone: authoring has no authority to act), so such a
 * file is refused with one diagnostic that says so and shows, at the first workflow call, what
 * that call is as data. Undefined when the file is not imperative.
 */
export function imperativeWorkflowDiagnostic(sourceFile: ts.SourceFile, text: SourceText): Diagnostic | undefined {
  const entry = imperativeEntry(sourceFile);
  if (!entry) return undefined;
  const entryPosition = text.positionAt(entry.node.getStart(sourceFile));
  const first = firstImperativeCall(entry.body);
  const refusal = `executing workflow code is a non-goal of this milestone: this file is an imperative workflow (${entry.description} at ${shortPosition(entryPosition)}), and WhaleFlow reads workflow files as data, never running them`;
  const remedy = 'write it as export default workflow({ goal: "...", nodes: [...] })';
  if (!first) return { severity: 'error', code: 'js-imperative', message: `${refusal}; ${remedy}`, position: entryPosition };
  const position = text.positionAt(first.call.getStart(sourceFile));
  const equivalent = declarativeEquivalent(first.call, first.name, 1);
  return {
    severity: 'error',
    code: 'js-imperative',
    message: `${refusal}; ${remedy} — its first call, ${callText(first.call, sourceFile)}, is declaratively ${equivalent}`,
    position,
  };
}

interface ImperativeEntry {
  readonly node: ts.Node;
  readonly description: string;
  /** Where the workflow code runs: the function body, or the file itself for a top-level script. */
  readonly body: ts.Node;
}

/** The default-exported workflow function, or the file when it calls the workflow API at top level. */
function imperativeEntry(sourceFile: ts.SourceFile): ImperativeEntry | undefined {
  for (const statement of sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && isDefaultExport(statement) && statement.body) {
      return { node: statement, description: `${isAsync(statement) ? 'export default async function' : 'export default function'}`, body: statement.body };
    }
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const expression = statement.expression;
      if (ts.isArrowFunction(expression) || ts.isFunctionExpression(expression)) {
        return { node: statement, description: `export default ${isAsync(expression) ? 'async ' : ''}${ts.isArrowFunction(expression) ? 'arrow function' : 'function'}`, body: expression.body };
      }
    }
  }
  const topLevel = sourceFile.statements.find((statement) => !ts.isFunctionDeclaration(statement) && firstImperativeCall(statement) !== undefined);
  return topLevel ? { node: topLevel, description: 'workflow calls at the top level of the file', body: sourceFile } : undefined;
}

/** The first call to phase/parallel/task/agent, in source order. */
function firstImperativeCall(root: ts.Node): { call: ts.CallExpression; name: ImperativeCall } | undefined {
  let found: { call: ts.CallExpression; name: ImperativeCall } | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && imperativeNames.has(node.expression.text)) {
      found = { call: node, name: node.expression.text as ImperativeCall };
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

function isDefaultExport(node: ts.FunctionDeclaration): boolean {
  const modifiers = ts.getModifiers(node) ?? [];
  return modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) && modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
}

function isAsync(node: ts.FunctionLikeDeclaration): boolean {
  return (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword);
}

/** `phase("Review")`, `task({...})`, `agent("Read the CI logs...", ...)`: the call as written, shortened. */
function callText(call: ts.CallExpression, sourceFile: ts.SourceFile): string {
  const callee = call.expression.getText(sourceFile);
  const [first] = call.arguments;
  const rest = call.arguments.length > 1 ? ', ...' : '';
  if (!first) return `${callee}()`;
  if (ts.isObjectLiteralExpression(first)) return `${callee}({...}${rest})`;
  if (ts.isArrayLiteralExpression(first)) return `${callee}([...]${rest})`;
  const text = first.getText(sourceFile).replace(/\s+/g, ' ');
  return `${callee}(${text.length <= 40 ? text : `${text.slice(0, 37)}...`}${rest})`;
}

function shortPosition(position: SourcePosition): string {
  return `${position.line}:${position.column}`;
}
