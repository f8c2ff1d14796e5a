import { formatPosition, type SourcePosition } from './position.js';

export type DiagnosticSeverity = 'error' | 'warning';

/**
 * One finding about user input. Printed as `file:line:col: message` when a position is known,
 * so editors and terminals can jump to it.
 */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  /** Stable machine-readable code, e.g. `duplicate-id`. */
  readonly code: string;
  readonly position?: SourcePosition;
  /** The IR node the finding is about, when there is one. */
  readonly nodeId?: string;
  /** The field of that node (snake_case, as in the IR), when there is one. */
  readonly field?: string;
}

export function formatDiagnostic(diagnostic: Diagnostic, fallbackFile?: string): string {
  const where = diagnostic.position
    ? `${formatPosition(diagnostic.position)}: `
    : fallbackFile
      ? `${fallbackFile}: `
      : '';
  const prefix = diagnostic.severity === 'warning' ? 'warning: ' : '';
  return `${where}${prefix}${diagnostic.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((diagnostic) => diagnostic.severity === 'error');
}
