import type { ModelPrices } from '../config/index.js';
import { priceUsage, type ModelRequest, type ModelResponse, type ModelRoute, type TokenUsage } from '../providers/index.js';

/**
 * What the memo did for one call, reported so the trace can record it.
 * - `hit`: answered from the store without a provider call;
 * - `shared-in-flight`: joined an identical call already running (counts as an ARMH hit);
 * - `miss`: paid for a provider call.
 */
export type MemoOutcomeKind = 'hit' | 'shared-in-flight' | 'miss';

export interface MemoOutcome {
  readonly kind: MemoOutcomeKind;
  readonly key: string;
  readonly route: ModelRoute;
  readonly scope: readonly string[];
  readonly runId?: string;
  /** For a hit: whether the answer came from this run or an earlier one. */
  readonly reusedFrom?: 'same-run' | 'earlier-run';
  /** The usage of the answer: saved on a hit, spent on a miss. */
  readonly usage: TokenUsage;
  /** micro-USD saved on a hit (undefined when the price is unknown); absent on a miss. */
  readonly savedCostMicroUsd?: number;
}

export type MemoOutcomeListener = (outcome: MemoOutcome) => void;

/** The outcome of one call as a memo client reports it (shared by the in-process and the brokered client). */
export function memoOutcomeOf(
  kind: MemoOutcomeKind,
  request: ModelRequest,
  options: { readonly scope?: readonly string[]; readonly runId?: string },
  key: string,
  response: ModelResponse,
  prices: ModelPrices | undefined,
  reusedFrom?: MemoOutcome['reusedFrom'],
): MemoOutcome {
  return {
    kind,
    key,
    route: request.route,
    scope: options.scope ?? [],
    runId: options.runId,
    usage: response.usage,
    ...(reusedFrom ? { reusedFrom } : {}),
    ...(kind === 'miss' ? {} : { savedCostMicroUsd: priceUsage(response.usage, prices) }),
  };
}
