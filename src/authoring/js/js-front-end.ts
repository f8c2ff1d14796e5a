import ts from 'typescript';
import type { Diagnostic } from '../../util/index.js';
import type { FrontEnd } from '../compiled-workflow.js';
import { SourceText } from '../source-text.js';
import { findWorkflowCall } from './find-workflow-call.js';
import { imperativeWorkflowDiagnostic } from './imperative-workflow.js';
import { notAWorkflowDiagnostic } from './not-a-workflow.js';
import { lowerWorkflowLiteral } from './lower-wrapper-nodes.js';
import { readLiteral } from './read-literal.js';

/** The most syntax errors reported for one file; later ones are usually echoes of the first. */
const MAX_SYNTAX_DIAGNOSTICS = 10;

/**
 * `.workflow.js` / `.workflow.ts`: parsed with the TypeScript parser (never executed); the
 * argument of `workflow({...})` must be literal data in the node-wrapper forms. Imperative
 * workflow code (CodeWhale's `export default async function`) and files that are not
 * workflows at all are refused with one precise diagnostic each.
 */
export const jsFrontEnd: FrontEnd = (file, text, source) => {
  const sourceText = new SourceText(file, text);
  const parsed = parseSource(file, text, sourceText);
  if ('diagnostics' in parsed) return { ok: false, diagnostics: parsed.diagnostics };
  const imperative = imperativeWorkflowDiagnostic(parsed.sourceFile, sourceText);
  if (imperative) return { ok: false, diagnostics: [imperative] };
  const notAWorkflow = notAWorkflowDiagnostic(parsed.sourceFile, file);
  if (notAWorkflow) return { ok: false, diagnostics: [notAWorkflow] };
  const diagnostics: Diagnostic[] = [];
  const call = findWorkflowCall(parsed.sourceFile, sourceText, diagnostics);
  if (!call) {
    if (diagnostics.length === 0) {
      diagnostics.push({
        severity: 'error',
        code: 'js-no-workflow',
        message: 'no workflow({...}) call found; write `export default workflow({ goal: "...", nodes: [...] })`',
        position: { file, line: 1, column: 1 },
      });
    }
    return { ok: false, diagnostics };
  }
  if (call.arguments.length !== 1) {
    diagnostics.push({ severity: 'error', code: 'js-workflow-arguments', message: `workflow() takes one object, got ${call.arguments.length} arguments`, position: sourceText.positionAt(call.getStart()) });
    return { ok: false, diagnostics };
  }
  const literal = readLiteral(call.arguments[0]!, sourceText, diagnostics);
  const document = literal ? lowerWorkflowLiteral(literal, source, diagnostics) : undefined;
  return diagnostics.length > 0 ? { ok: false, diagnostics } : { ok: true, document };
};

function parseSource(file: string, text: string, sourceText: SourceText): { sourceFile: ts.SourceFile } | { diagnostics: Diagnostic[] } {
  const scriptKind = /\.[cm]?tsx?$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  let sourceFile: ts.SourceFile;
  try {
    sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind);
  } catch (error) {
    // The parser recurses; absurd nesting overflows the stack rather than producing a tree.
    if (error instanceof RangeError) return { diagnostics: [{ severity: 'error', code: 'js-too-deep', message: 'the file is nested too deeply to parse', position: { file, line: 1, column: 1 } }] };
    throw error;
  }
  // parseDiagnostics is not in the public typings but is how the parser reports syntax errors
  // without building a whole Program (which would type-check and resolve modules).
  const syntaxErrors = (sourceFile as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (syntaxErrors.length === 0) return { sourceFile };
  return {
    diagnostics: syntaxErrors.slice(0, MAX_SYNTAX_DIAGNOSTICS).map((error) => ({
      severity: 'error' as const,
      code: 'js-syntax',
      message: ts.flattenDiagnosticMessageText(error.messageText, '\n'),
      position: sourceText.positionAt(error.start),
    })),
  };
}
