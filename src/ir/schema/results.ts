import { z } from 'zod';
import { NODE_KINDS } from './enums.js';
import { lazySchema, once } from '../../util/lazy-schema.js';

/** Built on first use (util/lazy-schema.ts). */
export const resultSchemas = once(() => ({
  RunStatusSchema: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled', 'budget_exceeded', 'replay_diverged']),
  UsageSchema: z.object({
    input_tokens: z.number().int().nonnegative().default(0),
    output_tokens: z.number().int().nonnegative().default(0),
    cost_microusd: z.number().int().nonnegative().nullable().default(0),
  }),
  MemoUsageSchema: z.object({
    armh_hits: z.number().int().nonnegative().default(0),
    armh_misses: z.number().int().nonnegative().default(0),
    armh_saved_estimated_tokens: z.number().int().nonnegative().default(0),
    provider_prompt_cache_hits: z.number().int().nonnegative().default(0),
    provider_prompt_cache_misses: z.number().int().nonnegative().default(0),
    armh_saved_cost_microusd: z.number().int().nonnegative().nullable().optional(),
  }),
}));

export const RunStatusSchema = lazySchema(() => resultSchemas().RunStatusSchema);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Token and cost usage. `cost_microusd` is null when some price is unknown — never a made-up 0. */
export const UsageSchema = lazySchema(() => resultSchemas().UsageSchema);
export type Usage = z.infer<typeof UsageSchema>;

/**
 * ARMH counters are WhaleFlow's own memo; provider counters are the vendor's prompt cache.
 * They are never mixed.
 */
export const MemoUsageSchema = lazySchema(() => resultSchemas().MemoUsageSchema);
export type MemoUsage = z.infer<typeof MemoUsageSchema>;

export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cost_microusd: 0 };
}

export function emptyMemoUsage(): MemoUsage {
  return { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };
}

/** Sums usage; an unknown cost anywhere makes the total cost unknown. */
export function addUsage(left: Usage, right: Usage): Usage {
  return {
    input_tokens: left.input_tokens + right.input_tokens,
    output_tokens: left.output_tokens + right.output_tokens,
    cost_microusd: left.cost_microusd === null || right.cost_microusd === null ? null : left.cost_microusd + right.cost_microusd,
  };
}

export function addMemoUsage(left: MemoUsage, right: MemoUsage): MemoUsage {
  const savedCost =
    left.armh_saved_cost_microusd === undefined && right.armh_saved_cost_microusd === undefined
      ? undefined
      : left.armh_saved_cost_microusd === null || right.armh_saved_cost_microusd === null
        ? null
        : (left.armh_saved_cost_microusd ?? 0) + (right.armh_saved_cost_microusd ?? 0);
  return {
    armh_hits: left.armh_hits + right.armh_hits,
    armh_misses: left.armh_misses + right.armh_misses,
    armh_saved_estimated_tokens: left.armh_saved_estimated_tokens + right.armh_saved_estimated_tokens,
    provider_prompt_cache_hits: left.provider_prompt_cache_hits + right.provider_prompt_cache_hits,
    provider_prompt_cache_misses: left.provider_prompt_cache_misses + right.provider_prompt_cache_misses,
    ...(savedCost !== undefined ? { armh_saved_cost_microusd: savedCost } : {}),
  };
}

/** The result of one node; containers hold their children's results in declaration order. */
export interface NodeResult {
  readonly id: string;
  readonly kind: (typeof NODE_KINDS)[number];
  readonly status: RunStatus;
  /** The node's output text (a leaf's answer, a reduce summary, a winner's id…), null when none. */
  readonly output: string | null;
  readonly usage: Usage;
  readonly memo_usage: MemoUsage;
  /** The leaf input hash, for leaves. */
  readonly input_hash?: string;
  readonly error?: string;
  readonly children?: readonly NodeResult[];
  /** Kind-specific facts: the decision of a loop or cond, a tournament's winner, a leaf's artifacts. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface WorkflowResult {
  readonly run_id: string;
  readonly workflow_id: string | null;
  readonly spec_hash: string;
  readonly status: RunStatus;
  readonly results: readonly NodeResult[];
  readonly usage: Usage;
  readonly memo_usage: MemoUsage;
}

/** Precedence of finished statuses, most severe first. */
const PRECEDENCE: readonly RunStatus[] = ['cancelled', 'budget_exceeded', 'replay_diverged', 'failed', 'running', 'pending', 'succeeded'];

/**
 * The honest status of a container: the most severe of its descendants' statuses
 * (cancelled > budget_exceeded > replay_diverged > failed > succeeded). No children: succeeded.
 */
export function aggregateStatus(statuses: Iterable<RunStatus>): RunStatus {
  let worst: RunStatus = 'succeeded';
  for (const status of statuses) worst = worseStatus(worst, status);
  return worst;
}

/** The more severe of two statuses (aggregateStatus of both). */
export function worseStatus(left: RunStatus, right: RunStatus): RunStatus {
  return left === right || PRECEDENCE.indexOf(right) >= PRECEDENCE.indexOf(left) ? left : right;
}
