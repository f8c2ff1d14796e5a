import { addCost, emptyCostTotal, type CostTotal } from '../providers/index.js';
import type { MemoOutcome } from './memo-outcome.js';

/**
 * ARMH counters for one scope. The provider's own prompt-cache figures are kept in separate
 * fields and only ever come from real provider calls (misses): a memo hit never reaches the
 * provider, so it must not count as the provider's cache hit, and vice versa.
 */
export interface MemoCounters {
  /** Stored answers reused plus in-flight calls joined. */
  readonly hits: number;
  /** Of the hits, how many joined a call still in flight. */
  readonly sharedInFlight: number;
  readonly misses: number;
  readonly savedInputTokens: number;
  readonly savedOutputTokens: number;
  readonly savedCost: CostTotal;
  readonly providerCacheHitInputTokens: number;
  readonly providerCacheMissInputTokens: number;
}

export const emptyMemoCounters: MemoCounters = Object.freeze({
  hits: 0,
  sharedInFlight: 0,
  misses: 0,
  savedInputTokens: 0,
  savedOutputTokens: 0,
  savedCost: emptyCostTotal,
  providerCacheHitInputTokens: 0,
  providerCacheMissInputTokens: 0,
});

/** The label under which every outcome is counted, whatever its scope. */
export const totalScope = '*';

/** Counts memo outcomes per scope label (`run:…`, `branch:…`, `leaf:…`) and in total. */
export class MemoTelemetry {
  private readonly byScope = new Map<string, MemoCounters>();

  record(outcome: MemoOutcome): void {
    for (const label of new Set([totalScope, ...outcome.scope])) {
      this.byScope.set(label, addOutcome(this.byScope.get(label) ?? emptyMemoCounters, outcome));
    }
  }

  counters(scope: string = totalScope): MemoCounters {
    return this.byScope.get(scope) ?? emptyMemoCounters;
  }

  scopes(): string[] {
    return [...this.byScope.keys()].filter((label) => label !== totalScope).sort();
  }
}

function addOutcome(counters: MemoCounters, outcome: MemoOutcome): MemoCounters {
  if (outcome.kind === 'miss') {
    return {
      ...counters,
      misses: counters.misses + 1,
      providerCacheHitInputTokens: counters.providerCacheHitInputTokens + outcome.usage.cacheHitInputTokens,
      providerCacheMissInputTokens: counters.providerCacheMissInputTokens + outcome.usage.cacheMissInputTokens,
    };
  }
  return {
    ...counters,
    hits: counters.hits + 1,
    sharedInFlight: counters.sharedInFlight + (outcome.kind === 'shared-in-flight' ? 1 : 0),
    savedInputTokens: counters.savedInputTokens + outcome.usage.inputTokens,
    savedOutputTokens: counters.savedOutputTokens + outcome.usage.outputTokens,
    savedCost: addCost(counters.savedCost, outcome.savedCostMicroUsd),
  };
}

/** CodeWhale's memo usage shape (snake_case). Provider cache figures are token counts. */
export interface MemoUsage {
  readonly armh_hits: number;
  readonly armh_misses: number;
  readonly armh_saved_estimated_tokens: number;
  readonly provider_prompt_cache_hits: number;
  readonly provider_prompt_cache_misses: number;
}

export function toMemoUsage(counters: MemoCounters): MemoUsage {
  return {
    armh_hits: counters.hits,
    armh_misses: counters.misses,
    armh_saved_estimated_tokens: counters.savedInputTokens + counters.savedOutputTokens,
    provider_prompt_cache_hits: counters.providerCacheHitInputTokens,
    provider_prompt_cache_misses: counters.providerCacheMissInputTokens,
  };
}

/** The memo usage of a single call, for a per-call report (e.g. one gateway response). */
export function memoUsageFromOutcome(outcome: MemoOutcome): MemoUsage {
  const telemetry = new MemoTelemetry();
  telemetry.record({ ...outcome, scope: [] });
  return toMemoUsage(telemetry.counters());
}
