import type { Diagnostic } from '../../util/index.js';
import type { WorkflowSpec } from '../schema/workflow-spec.js';
import type { SpecSource } from '../source-map.js';
import { checkIds } from './check-ids.js';
import { checkLaunchShape } from './check-launch-shape.js';
import { checkMemory } from './check-memory.js';
import { checkParallelWriters } from './check-parallel-writers.js';
import { checkPermissionNarrowing } from './check-permission-narrowing.js';
import { checkReferences } from './check-references.js';
import { checkTexts } from './check-texts.js';
import { ValidationContext, type ValidationOptions } from './validation-context.js';

const RULES = [checkIds, checkTexts, checkReferences, checkLaunchShape, checkParallelWriters, checkPermissionNarrowing, checkMemory] as const;

/**
 * The one validation gate every spec passes before it runs, whatever language it was written
 * in (and expand output at run time). Returns every problem found, not just the first, in
 * source order where positions are known.
 */
export function validateSpec(spec: WorkflowSpec, options: ValidationOptions = {}, source?: SpecSource): Diagnostic[] {
  const context = new ValidationContext(spec, options, source);
  for (const rule of RULES) rule(context);
  return sortBySource(context.diagnostics);
}

function sortBySource(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((diagnostic, order) => ({ diagnostic, order }))
    .sort((left, right) => {
      const a = left.diagnostic.position;
      const b = right.diagnostic.position;
      if (a && b && (a.line !== b.line || a.column !== b.column)) return a.line - b.line || a.column - b.column;
      return left.order - right.order;
    })
    .map(({ diagnostic }) => diagnostic);
}
