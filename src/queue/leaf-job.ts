import { z } from 'zod';
import type { EffectivePermissions, LeafRunInput, OverlayPart, RemainingBudget } from '../engine/index.js';
import { LeafSpecSchema, type LeafSpec, type WorkflowSpec } from '../ir/index.js';
import { leafJobId } from './leaf-job-id.js';
import { sha256Hex } from '../util/index.js';

/** The version of the job format; a worker refuses a job of another version instead of guessing. */
export const LEAF_JOB_VERSION = 1;

/**
 * What a leaf's budget still allows when it is handed over. The deadline travels as a
 * duration: the worker's clock is not the coordinator's, and the coordinator enforces the
 * absolute deadline itself anyway (its cancel reaches the worker).
 */
export interface LeafJobBudget {
  readonly tokens?: number;
  readonly costMicrousd?: number;
  readonly steps?: number;
  readonly timeoutMs?: number;
}

/**
 * One leaf effect as a queue job: exactly what the leaf runner needs and nothing wider — the
 * leaf, its resolved inputs, its effective permissions and remaining budget as the coordinator
 * computed them. Never a credential, an environment variable or the whole workflow: a worker
 * reads its own configuration for those. `runContext` names the run's settings (provider mode,
 * mock fixture, base commit), stored once per run rather than in every job.
 */
export interface LeafJob {
  readonly version: typeof LEAF_JOB_VERSION;
  /** Derived from the run lineage and the effect, so submitting it twice is one job. */
  readonly jobId: string;
  /** The run whose trace records this effect (a resumed run has its own id). */
  readonly runId: string;
  /** The first run of a resume chain: job ids are derived from it, so a resume finds its jobs. */
  readonly lineage: string;
  readonly runContext: string;
  readonly workflow: Pick<WorkflowSpec, 'id' | 'goal'>;
  readonly leaf: LeafSpec;
  readonly resolvedInputs: Readonly<Record<string, string | null>>;
  readonly inputHash: string;
  readonly role: string;
  readonly permissions: EffectivePermissions;
  readonly budget: LeafJobBudget;
  readonly effect: { readonly iteration: number; readonly ordinal: number };
  /** What the run's overlay gives this leaf (advisory text, a role policy): data, never authority. */
  readonly overlay?: OverlayPart;
  /** The diffs a worktree leaf starts from (see LeafRunInput.baseDiffs). */
  readonly baseDiffs?: readonly { readonly leafId: string; readonly diff: string }[];
}

const permissionsSchema = z.object({
  allowWrite: z.boolean(),
  allowNetwork: z.boolean(),
  allowedTools: z.array(z.string()),
  fileScope: z.array(z.string()),
  allowedCommands: z.array(z.string()),
  isolation: z.enum(['shared', 'worktree']),
});

const nonNegative = z.number().finite().nonnegative();

/** Checks a job read from the queue; a worker runs nothing it cannot fully parse. */
export const leafJobSchema = z.object({
  version: z.literal(LEAF_JOB_VERSION),
  jobId: z.string().min(1),
  runId: z.string().min(1),
  lineage: z.string().min(1),
  runContext: z.string().min(1),
  workflow: z.object({ id: z.string().nullable(), goal: z.string() }),
  leaf: z.unknown().refine((value) => LeafSpecSchema.safeParse(value).success, 'not a valid leaf spec'),
  resolvedInputs: z.record(z.string(), z.string().nullable()),
  inputHash: z.string().regex(/^[0-9a-f]{64}$/),
  role: z.string(),
  permissions: permissionsSchema,
  budget: z.object({ tokens: nonNegative.optional(), costMicrousd: nonNegative.optional(), steps: nonNegative.optional(), timeoutMs: nonNegative.optional() }),
  effect: z.object({ iteration: z.number().int().nonnegative(), ordinal: z.number().int().nonnegative() }),
  overlay: z
    .object({
      advisory: z.string().optional(),
      policy: z.object({ crossRun: z.enum(['never', 'deterministic', 'always']).optional(), route: z.object({ provider: z.string(), model: z.string() }).optional() }).optional(),
      fingerprint: z.string().optional(),
    })
    .optional(),
  baseDiffs: z.array(z.object({ leafId: z.string(), diff: z.string() })).optional(),
});

export interface LeafJobOptions {
  readonly lineage: string;
  readonly runContext: string;
  /** The engine's clock, to turn the budget's absolute deadline into a duration. */
  readonly now: () => number;
}

/** The job for one run of a leaf, from what the engine hands its leaf runner. */
export function leafJobOf(input: LeafRunInput, options: LeafJobOptions): LeafJob {
  const effect = input.effect ?? { iteration: 0, ordinal: 0 };
  return {
    version: LEAF_JOB_VERSION,
    // The overlay changes what the leaf is asked, so it is part of the effect's identity (as in its effect key).
    jobId: leafJobId(options.lineage, input.leaf.id, effect, jobIdentity(input)),
    runId: input.runId,
    lineage: options.lineage,
    runContext: options.runContext,
    // Only the two fields the leaf input hash covers: the engine passes the whole spec here.
    workflow: { id: input.workflow.id, goal: input.workflow.goal },
    leaf: input.leaf,
    resolvedInputs: input.resolvedInputs,
    inputHash: input.inputHash,
    role: input.role,
    permissions: input.permissions,
    budget: jobBudgetOf(input.budget, options.now()),
    effect,
    ...(input.overlay ? { overlay: input.overlay } : {}),
    ...(input.baseDiffs ? { baseDiffs: input.baseDiffs } : {}),
  };
}

/** What makes the effect itself: its input hash, and what the overlay and the starting diffs change about it. */
function jobIdentity(input: LeafRunInput): string {
  const overlay = input.overlay?.fingerprint ? `:${input.overlay.fingerprint}` : '';
  const diffs = input.baseDiffs ? input.baseDiffs.map(({ leafId, diff }) => `:${leafId}=${sha256Hex(diff)}`).join('') : '';
  return `${input.inputHash}${overlay}${diffs}`;
}

function jobBudgetOf(budget: RemainingBudget, now: number): LeafJobBudget {
  return {
    ...(budget.tokens !== undefined ? { tokens: budget.tokens } : {}),
    ...(budget.costMicrousd !== undefined ? { costMicrousd: budget.costMicrousd } : {}),
    ...(budget.steps !== undefined ? { steps: budget.steps } : {}),
    ...(budget.deadline !== undefined ? { timeoutMs: Math.max(0, budget.deadline - now) } : {}),
  };
}

/** The budget a worker runs the leaf with, its deadline on the worker's own clock. */
export function remainingBudgetOf(budget: LeafJobBudget, now: number): RemainingBudget {
  return {
    ...(budget.tokens !== undefined ? { tokens: budget.tokens } : {}),
    ...(budget.costMicrousd !== undefined ? { costMicrousd: budget.costMicrousd } : {}),
    ...(budget.steps !== undefined ? { steps: budget.steps } : {}),
    ...(budget.timeoutMs !== undefined ? { deadline: now + budget.timeoutMs } : {}),
  };
}
