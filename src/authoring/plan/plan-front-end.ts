import type { z } from 'zod';
import { SpecSource, type DocumentPath } from '../../ir/index.js';
import type { Diagnostic } from '../../util/index.js';
import type { FrontEnd, FrontEndResult } from '../compiled-workflow.js';
import { parseJsonWithPositions } from '../json/parse-json-with-positions.js';
import { SourceText } from '../source-text.js';
import { extractPlanJson } from './extract-plan-json.js';
import { lowerPlan } from './lower-plan.js';
import { PlanSchema } from './plan-schema.js';

/**
 * A generated plan (`.plan.json`, or a model's answer given to compilePlanText): extract the
 * JSON, check it against PlanSchema, lower it with lowerPlan. IR positions point into the plan.
 */
export const planFrontEnd: FrontEnd = (file, text, source) => {
  const sourceText = new SourceText(file, text);
  const extracted = extractPlanJson(text);
  if (!extracted.ok) return failure({ severity: 'error', code: 'plan-json', message: extracted.message, position: sourceText.positionAt(extracted.offset) });
  const planSource = new SpecSource(file);
  const positioned = parseJsonWithPositions(new SourceText(file, extracted.json), planSource);
  if ('diagnostics' in positioned) return { ok: false, diagnostics: positioned.diagnostics };
  const parsed = PlanSchema.safeParse(positioned.value);
  if (!parsed.success) return { ok: false, diagnostics: parsed.error.issues.map((issue) => planIssue(issue, planSource, sourceText)) };
  const document = lowerPlan(parsed.data, (irPath, planPath) => {
    const position = planSource.positionOf(planPath);
    if (position) source.record(irPath, position);
  });
  source.record([], sourceText.positionAt(extracted.start));
  const warnings: Diagnostic[] =
    extracted.repairs.length > 0
      ? [{ severity: 'warning', code: 'plan-repaired', message: `the plan JSON was repaired (${extracted.repairs.join(', ')})`, position: sourceText.positionAt(extracted.start) }]
      : [];
  return { ok: true, document, warnings };
};

function failure(diagnostic: Diagnostic): FrontEndResult {
  return { ok: false, diagnostics: [diagnostic] };
}

function planIssue(issue: z.core.$ZodIssue, planSource: SpecSource, sourceText: SourceText): Diagnostic {
  const path: DocumentPath = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const where = path.length > 0 ? `plan ${path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('').replace(/^\./, '')}: ` : 'plan: ';
  return {
    severity: 'error',
    code: 'plan-schema',
    message: `${where}${issue.message}`,
    position: planSource.positionOf(path) ?? sourceText.positionAt(0),
  };
}
