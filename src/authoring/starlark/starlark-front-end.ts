import { execFile, StarlarkError } from '../../starlark/index.js';
import type { Diagnostic } from '../../util/index.js';
import type { FrontEnd } from '../compiled-workflow.js';
import { WorkflowBuilder } from './workflow-builder.js';

/**
 * Steps a workflow file may take. Real workflow files take thousands; a 5,000-leaf generated
 * file about 50,000. The budget is what stops a runaway loop in a model-written file.
 */
export const DEFAULT_AUTHORING_MAX_STEPS = 2_000_000;

export interface StarlarkAuthoringOptions {
  readonly maxSteps?: number;
  /** The largest len() a value may reach while the file runs (default DEFAULT_MAX_VALUE_LENGTH, 4 Mi). */
  readonly maxValueLength?: number;
  readonly signal?: AbortSignal;
}

/**
 * `.star` workflows: the file runs hermetically in the Starlark interpreter with the workflow
 * builtins predeclared; the one `workflow()` call becomes the raw IR document.
 */
export function createStarlarkFrontEnd(options: StarlarkAuthoringOptions = {}): FrontEnd {
  return (file, text, source) => {
    const builder = new WorkflowBuilder();
    try {
      execFile({
        filename: file,
        source: text,
        predeclared: builder.predeclared(),
        maxSteps: options.maxSteps ?? DEFAULT_AUTHORING_MAX_STEPS,
        maxValueLength: options.maxValueLength,
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof StarlarkError) return { ok: false, diagnostics: [...builder.warnings, ...starlarkDiagnostics(error, file)] };
      throw error;
    }
    const built = builder.document(file, source);
    if ('diagnostic' in built) return { ok: false, diagnostics: [...builder.warnings, built.diagnostic] };
    return { ok: true, document: built.document, warnings: inSourceOrder(builder.warnings) };
  };
}

export const starlarkFrontEnd: FrontEnd = createStarlarkFrontEnd();

/** Warnings arrive in evaluation order (inner calls first); readers expect file order. */
function inSourceOrder(warnings: readonly Diagnostic[]): Diagnostic[] {
  const key = (diagnostic: Diagnostic) => [diagnostic.position?.line ?? 0, diagnostic.position?.column ?? 0] as const;
  return [...warnings].sort((left, right) => key(left)[0] - key(right)[0] || key(left)[1] - key(right)[1]);
}

/** Every finding of a Starlark failure as positioned diagnostics (static errors carry several). */
export function starlarkDiagnostics(error: StarlarkError, file: string): Diagnostic[] {
  if (error.diagnostics.length > 0) return [...error.diagnostics];
  return [{ severity: 'error', code: `starlark-${error.kind}`, message: error.reason, position: error.position ?? { file, line: 1, column: 1 } }];
}
