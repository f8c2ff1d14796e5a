import { emptyMemoUsage, emptyUsage, type MemoUsage, type Usage } from '../ir/index.js';
import type { EffectArtifact, EffectResult, RemainingBudget } from '../engine/index.js';

export interface LeafResultFields {
  readonly output: string | null;
  readonly data?: unknown;
  readonly usage?: Usage;
  readonly memoUsage?: MemoUsage;
  readonly error?: string;
  readonly artifacts?: readonly EffectArtifact[];
}

export function succeededLeaf(fields: LeafResultFields): EffectResult {
  return build('succeeded', fields);
}

export function failedLeaf(fields: LeafResultFields & { readonly error: string; readonly retryable?: boolean }): EffectResult {
  return { ...build('failed', fields), ...(fields.retryable ? { retryable: true } : {}) };
}

function build(status: EffectResult['status'], fields: LeafResultFields): EffectResult {
  return {
    status,
    output: fields.output,
    ...(fields.data !== undefined ? { data: fields.data } : {}),
    usage: fields.usage ?? emptyUsage(),
    memo_usage: fields.memoUsage ?? emptyMemoUsage(),
    ...(fields.error !== undefined ? { error: fields.error } : {}),
    ...(fields.artifacts && fields.artifacts.length > 0 ? { artifacts: fields.artifacts } : {}),
  };
}

/** Milliseconds until the budget's deadline (in the runner's clock), or undefined without one. */
export function millisecondsLeft(budget: RemainingBudget, now: () => number): number | undefined {
  return budget.deadline === undefined ? undefined : Math.max(0, budget.deadline - now());
}

/** Adds artifacts to a result (e.g. the workspace's diff after the leaf's own). */
export function withArtifacts(result: EffectResult, artifacts: readonly EffectArtifact[]): EffectResult {
  if (artifacts.length === 0) return result;
  return { ...result, artifacts: [...(result.artifacts ?? []), ...artifacts] };
}
