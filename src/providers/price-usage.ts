import type { ModelPrices } from '../config/model-prices.js';
import type { TokenUsage } from './model-response.js';

/**
 * Cost of one call in micro-USD (integer). USD per million tokens times tokens is exactly
 * micro-USD, so no scale factor appears; rounding happens once, at the end.
 *
 * Returns undefined when any token category that was actually used has no price. A category
 * with zero tokens needs no price.
 */
export function priceUsage(usage: TokenUsage, prices: ModelPrices | undefined): number | undefined {
  const parts: Array<[tokens: number, pricePerMillion: number | undefined]> = [
    [usage.cacheMissInputTokens, prices?.inputCacheMiss],
    [usage.cacheHitInputTokens, prices?.inputCacheHit],
    [usage.outputTokens, prices?.output],
  ];
  let microUsd = 0;
  for (const [tokens, pricePerMillion] of parts) {
    if (tokens === 0) continue;
    if (pricePerMillion === undefined) return undefined;
    microUsd += tokens * pricePerMillion;
  }
  return Math.round(microUsd);
}
