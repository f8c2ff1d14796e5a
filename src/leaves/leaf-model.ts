import type { ModelPrices } from '../config/index.js';
import type { LeafRunContext, LeafRunInput } from '../engine/index.js';
import { addMemoUsage, emptyMemoUsage, type MemoUsage } from '../ir/index.js';
import { memoUsageFromOutcome, type MemoCallOptions, type MemoOutcome } from '../memo/index.js';
import {
  incompleteResponseError,
  isProviderError,
  priceUsage,
  RequestCancelledError,
  type ModelClient,
  type ModelRequest,
  type ModelResponse,
  type ModelRoute,
  type TokenUsage,
} from '../providers/index.js';

/** The route a leaf's model calls take, with its prices (undefined prices make cost unknown). */
export interface LeafRoute {
  readonly route: ModelRoute;
  readonly prices?: ModelPrices;
}

export type LeafRouteResolver = (input: LeafRunInput) => LeafRoute;

/** What one model call cost the leaf: memo hits are free (their savings are in memoUsage). */
export interface PaidCall {
  readonly response: ModelResponse;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicrousd: number | null;
  readonly memoUsage: MemoUsage;
}

/**
 * One model call of a leaf: scope labels `run:<id>` and `leaf:<id>` ride in the call options
 * (never in the request, so they cannot change the memo key), and the spend is reported
 * through the context as soon as it is known, so budgets can stop the leaf mid-flight.
 */
export async function callLeafModel(
  client: ModelClient,
  request: ModelRequest,
  route: LeafRoute,
  input: LeafRunInput,
  context: LeafRunContext,
): Promise<PaidCall> {
  let outcome: MemoOutcome | undefined;
  const options: MemoCallOptions = {
    signal: context.signal,
    runId: input.runId,
    scope: [`run:${input.runId}`, `leaf:${input.leaf.id}`],
    ...(input.overlay?.policy?.crossRun ? { crossRun: input.overlay.policy.crossRun } : {}),
    onMemoOutcome: (reported) => {
      outcome = reported;
    },
  };
  let response: ModelResponse;
  try {
    const call = client.generate(request, options);
    response = await (context.awaitModel ? context.awaitModel(call) : call);
  } catch (error) {
    // An answer that arrived and was then refused (unreadable tool arguments, cut off) was billed.
    if (isProviderError(error) && error.usage) throw new PaidModelCallError(error, charge(error.usage, true, route, context), emptyMemoUsage());
    throw error;
  }
  const paidFor = outcome === undefined || outcome.kind === 'miss';
  const paid = charge(response.usage, paidFor, route, context);
  const memoUsage = outcome ? memoUsageFromOutcome(outcome) : emptyMemoUsage();
  // A cut-off, filtered or errored answer is not a result, but what it cost counts.
  const incomplete = incompleteResponseError(response, request);
  if (incomplete) throw new PaidModelCallError(incomplete, paid, memoUsage);
  return { response, ...paid, memoUsage };
}

/** Reports what a call cost (nothing for a memo hit) to the context, at once, and returns it. */
function charge(usage: TokenUsage, paidFor: boolean, route: LeafRoute, context: LeafRunContext): Omit<PaidCall, 'response' | 'memoUsage'> {
  const inputTokens = paidFor ? usage.inputTokens : 0;
  const outputTokens = paidFor ? usage.outputTokens : 0;
  const costMicrousd = paidFor ? (priceUsage(usage, route.prices) ?? null) : 0;
  context.spend({ inputTokens, outputTokens, costMicrousd, steps: 1 });
  return { inputTokens, outputTokens, costMicrousd };
}

/**
 * A model call that failed after it was paid for: the provider's error (`cause`) and what the
 * call cost, which the leaf's totals must include (a failed leaf still shows its tokens and cost).
 */
export class PaidModelCallError extends Error {
  override readonly name = 'PaidModelCallError';
  constructor(
    override readonly cause: Error,
    readonly paid: Omit<PaidCall, 'response' | 'memoUsage'>,
    readonly memoUsage: MemoUsage,
  ) {
    super(cause.message, { cause });
  }
}

export function sumMemoUsage(total: MemoUsage, next: MemoUsage): MemoUsage {
  return addMemoUsage(total, next);
}

/**
 * A model call that failed for a provider reason (not a cancel) fails the leaf instead of
 * throwing, keeping what was spent and done so far; `retryable` (a 429/5xx that outlasted the
 * client's own retries) lets the engine try the leaf again.
 */
export function providerFailureOf(error: unknown): { readonly message: string; readonly retryable: boolean } | undefined {
  if (error instanceof PaidModelCallError) return providerFailureOf(error.cause);
  if (!isProviderError(error) || error instanceof RequestCancelledError) return undefined;
  return { message: `model call failed: ${error.message}`, retryable: error.retryable };
}
