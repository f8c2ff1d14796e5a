import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseWorkflowSpec, SpecSource, validateSpec } from '../ir/index.js';
import { hasErrors, InvalidInputError, type Diagnostic } from '../util/index.js';
import type { CompiledWorkflow, CompileOptions } from './compiled-workflow.js';
import { frontEndFor, isGeneratedPlanFile, supportedSuffixes } from './front-ends.js';
import { MAX_SOURCE_BYTES } from './limits.js';
import { normalizeUpstreamForms } from './upstream-forms.js';
import { emptyWorkflowError, unknownTopLevelKeys } from './workflow-keys.js';

function fileDiagnostic(file: string, code: string, message: string): Diagnostic {
  return { severity: 'error', code, message, position: { file, line: 1, column: 1 } };
}

/**
 * Source text → validated WorkflowSpec, through the front-end for the file's suffix, CodeWhale's
 * upstream forms (normalized or refused with a hint), and the one shared gate (parse, defaults,
 * validate). Throws InvalidInputError with every diagnostic.
 */
export async function compileWorkflowSource(file: string, text: string, options: CompileOptions = {}): Promise<CompiledWorkflow> {
  const frontEnd = frontEndFor(file);
  if (!frontEnd) {
    throw new InvalidInputError([
      fileDiagnostic(file, 'unknown-format', `cannot tell the workflow format from the file name; use one of ${supportedSuffixes().join(', ')}`),
    ]);
  }
  const source = new SpecSource(file);
  const front = await frontEnd(file, text, source);
  if (!front.ok) throw new InvalidInputError(front.diagnostics);
  const upstream = normalizeUpstreamForms(front.document, source);
  const warnings = [...(front.warnings ?? []), ...unknownTopLevelKeys(front.document, source), ...upstream.warnings];
  const parsed = parseWorkflowSpec(upstream.document, source);
  if (!parsed.ok || upstream.errors.length > 0) {
    throw new InvalidInputError([...warnings, ...upstream.errors, ...(parsed.ok ? [] : parsed.diagnostics)]);
  }
  const empty = emptyWorkflowError(parsed.spec, front.document, source);
  const problems = [...validateSpec(parsed.spec, options, source), ...(empty ? [empty] : [])];
  if (hasErrors(problems)) throw new InvalidInputError([...warnings, ...problems]);
  return { spec: parsed.spec, source, warnings, origin: isGeneratedPlanFile(file) ? 'generated-plan' : 'source' };
}

/** Reads and compiles a workflow file; a missing, unreadable or oversized file is a diagnostic. */
export async function compileWorkflowFile(file: string, options: CompileOptions = {}): Promise<CompiledWorkflow> {
  const path = options.cwd === undefined ? file : resolve(options.cwd, file);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InvalidInputError([fileDiagnostic(file, 'not-a-file', 'is a directory, not a workflow file')]);
    size = info.size;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError([{ severity: 'error', code: 'unreadable', message: `${file}: cannot read workflow file (${describeFsError(error)})` }]);
  }
  if (size > MAX_SOURCE_BYTES) {
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    throw new InvalidInputError([
      fileDiagnostic(file, 'too-large', `workflow file is ${mib(size)} MiB; the limit is ${mib(MAX_SOURCE_BYTES)} MiB`),
    ]);
  }
  const text = await readFile(path, 'utf8');
  return compileWorkflowSource(file, text, options);
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    default:
      return code ?? String(error);
  }
}
