import { parseWorkflowSpec, SpecSource, validateSpec } from '../../ir/index.js';
import { hasErrors, InvalidInputError } from '../../util/index.js';
import type { CompiledWorkflow, CompileOptions } from '../compiled-workflow.js';
import { planFrontEnd } from './plan-front-end.js';

/**
 * A model's answer (prose, a fenced block, or bare JSON) → a validated WorkflowSpec, through
 * the plan front-end and the same gate as every other source. Throws InvalidInputError.
 */
export async function compilePlanText(text: string, file = 'plan.json', options: CompileOptions = {}): Promise<CompiledWorkflow> {
  const source = new SpecSource(file);
  const front = await planFrontEnd(file, text, source);
  if (!front.ok) throw new InvalidInputError(front.diagnostics);
  const warnings = front.warnings ?? [];
  const parsed = parseWorkflowSpec(front.document, source);
  if (!parsed.ok) throw new InvalidInputError([...warnings, ...parsed.diagnostics]);
  const problems = validateSpec(parsed.spec, options, source);
  if (hasErrors(problems)) throw new InvalidInputError([...warnings, ...problems]);
  return { spec: parsed.spec, source, warnings, origin: 'generated-plan' };
}
