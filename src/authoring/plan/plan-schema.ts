import { z } from 'zod';
import { lazySchema, once } from '../../util/lazy-schema.js';
import { AGENT_TYPE_ALIASES } from '../leaf-shorthands.js';

/**
 * A generated plan: the small JSON shape a planning model is asked to produce. It is lowered
 * to the IR by `lowerPlan` and then passes the same validation gate as hand-written workflows.
 *
 *   { "goal": "...", "phases": [ { "title": "...", "children": [ { "prompt": "...", "type": "explore" } ] } ],
 *     "summary": "Merge the findings" }
 *
 * Phases run one after another; the children of a phase run in parallel unless the phase
 * says `"parallel": false`. Unknown fields are ignored (models add them); ids are generated
 * when missing.
 */
const AGENT_TYPES = ['general', 'explore', 'plan', 'review', 'implementer', 'verifier'] as const;

/** Built on first use (util/lazy-schema.ts): a run of a workflow that is not a plan never needs them. */
const planSchemas = once(() => {
  const PlanStepTypeSchema = z.enum([...AGENT_TYPES, ...(Object.keys(AGENT_TYPE_ALIASES) as [string, ...string[]]), 'test', 'shell', 'search']);

  const PlanStepSchema = z
    .object({
      id: z.string().optional(),
      /** What the agent is asked to do (for `search`, the query). */
      prompt: z.string().optional(),
      /** An agent type (aliases accepted), or `test`/`shell` (runs `command`) or `search`. */
      type: PlanStepTypeSchema.optional(),
      mode: z.enum(['read_only', 'read_write']).optional(),
      isolation: z.enum(['shared', 'worktree']).optional(),
      file_scope: z.array(z.string()).optional(),
      /** Ids of earlier steps whose results this one needs. */
      depends_on: z.array(z.string()).optional(),
      /** A real command: makes the step a test leaf (or a shell leaf with `type: "shell"`). */
      command: z.string().optional(),
      role: z.string().optional(),
    })
    .refine((step) => step.prompt !== undefined || step.command !== undefined, { message: 'a step needs a "prompt" or a "command"' });

  const PlanPhaseSchema = z.object({
    id: z.string().optional(),
    title: z.string().optional(),
    parallel: z.boolean().default(true),
    children: z.array(PlanStepSchema).min(1),
  });

  const PlanSummarySchema = z.union([z.string(), z.object({ id: z.string().optional(), prompt: z.string(), role: z.string().optional() })]);

  const PlanSchema = z.object({
    id: z.string().optional(),
    goal: z.string(),
    description: z.string().optional(),
    phases: z.array(PlanPhaseSchema).default(() => []),
    /** A final reduce over every step's result. */
    summary: PlanSummarySchema.optional(),
    /** Raw IR nodes (`{kind, spec}`) appended after the phases, for anything the plan shape cannot say. */
    nodes: z.array(z.unknown()).default(() => []),
  });
  return { PlanStepTypeSchema, PlanStepSchema, PlanPhaseSchema, PlanSummarySchema, PlanSchema };
});

export const PlanStepTypeSchema = lazySchema(() => planSchemas().PlanStepTypeSchema);
export type PlanStepType = z.infer<typeof PlanStepTypeSchema>;
export const PlanStepSchema = lazySchema(() => planSchemas().PlanStepSchema);
export type PlanStep = z.infer<typeof PlanStepSchema>;
export const PlanPhaseSchema = lazySchema(() => planSchemas().PlanPhaseSchema);
export type PlanPhase = z.infer<typeof PlanPhaseSchema>;
export const PlanSummarySchema = lazySchema(() => planSchemas().PlanSummarySchema);
export const PlanSchema = lazySchema(() => planSchemas().PlanSchema);
export type Plan = z.infer<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;
