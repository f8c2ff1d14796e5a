import type { SpecSource, WorkflowSpec } from '../ir/index.js';
import type { Diagnostic } from '../util/index.js';

/** A validated spec and where it came from; the only thing authoring hands to the engine. */
export interface CompiledWorkflow {
  readonly spec: WorkflowSpec;
  readonly source: SpecSource;
  /** Non-fatal findings (e.g. a `ctx.parallel` alias used in Starlark). */
  readonly warnings: readonly Diagnostic[];
  /**
   * Who wrote it: `source` (a workflow file the user wrote or chose) or `generated-plan` (a
   * model's plan: `.plan.json` or compilePlanText). A generated plan carries no command
   * authority: only commands the user grants with --allow-command run.
   */
  readonly origin?: WorkflowOrigin;
}

export type WorkflowOrigin = 'source' | 'generated-plan';

export interface CompileOptions {
  /** Launch-shape limits; see ValidationOptions. */
  readonly maxAgents?: number;
  readonly maxDepth?: number;
  /** Where a relative file name is read from (default: the process's directory); diagnostics keep the name as given. */
  readonly cwd?: string;
}

/**
 * A front-end turns source text into a raw document (the JSON shape of the IR) and records
 * positions. Parsing, defaults and validation are shared by all front-ends.
 */
export type FrontEnd = (file: string, text: string, source: SpecSource) => FrontEndResult | Promise<FrontEndResult>;

export type FrontEndResult =
  | { readonly ok: true; readonly document: unknown; readonly warnings?: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };
