import { findModel, type WhaleflowConfig } from '../../config/index.js';
import type { EstimatePricing } from '../../engine/index.js';

/**
 * Prices for the pre-flight estimate of a run on the configured providers. The estimate does
 * not know which role each call will take, so it prices every call at the most expensive
 * primary route: an upper bound, which is what `--max-cost` needs. A primary route without a
 * price makes the estimate unknown (never $0); the mock provider is free.
 */
export function configuredEstimatePricing(config: WhaleflowConfig): EstimatePricing | undefined {
  let input = 0;
  let output = 0;
  for (const policy of config.roles.values()) {
    const route = policy.primary;
    if (config.providers.get(route.provider)?.kind === 'mock') continue;
    const prices = findModel(config, route)?.prices;
    if (prices?.inputCacheMiss === undefined || prices.output === undefined) return undefined;
    input = Math.max(input, prices.inputCacheMiss);
    output = Math.max(output, prices.output);
  }
  return { inputUsdPerMillionTokens: input, outputUsdPerMillionTokens: output };
}
