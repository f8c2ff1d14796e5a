import { describe, expect, it } from 'vitest';
import { exactMicroUsd, formatCostTotal, sumCosts } from './cost-total.js';
import { usageFromCounts } from './model-response.js';
import { priceUsage } from './price-usage.js';

const prices = { inputCacheMiss: 0.27, inputCacheHit: 0.07, output: 1.1 };

describe('priceUsage', () => {
  it('prices cache hits, cache misses and output separately, in integer micro-USD', () => {
    const usage = usageFromCounts({ inputTokens: 1_000_000, outputTokens: 500_000, cacheHitInputTokens: 600_000 });
    // 400k miss × 0.27 + 600k hit × 0.07 + 500k out × 1.10 = 108000 + 42000 + 550000
    expect(priceUsage(usage, prices)).toBe(700_000);
  });

  it('rounds once, at the end', () => {
    expect(priceUsage(usageFromCounts({ inputTokens: 3, outputTokens: 0 }), { inputCacheMiss: 0.27 })).toBe(1);
  });

  it('is unknown, not zero, when a used category has no price', () => {
    const usage = usageFromCounts({ inputTokens: 100, outputTokens: 10, cacheHitInputTokens: 50 });
    expect(priceUsage(usage, { inputCacheMiss: 0.27, output: 1.1 })).toBeUndefined();
    expect(priceUsage(usage, undefined)).toBeUndefined();
  });

  it('needs no price for a category with no tokens', () => {
    expect(priceUsage(usageFromCounts({ inputTokens: 100, outputTokens: 10 }), { inputCacheMiss: 1, output: 2 })).toBe(120);
  });

  it('treats an explicit zero price as free', () => {
    expect(priceUsage(usageFromCounts({ inputTokens: 100, outputTokens: 10 }), { inputCacheMiss: 0, inputCacheHit: 0, output: 0 })).toBe(0);
  });
});

describe('sumCosts', () => {
  it('is exact when every part is known', () => {
    const total = sumCosts([100, 250]);
    expect(exactMicroUsd(total)).toBe(350);
    expect(formatCostTotal(total)).toBe('$0.000350');
  });

  it('is a lower bound, and says so, when any part is unknown', () => {
    const total = sumCosts([120_000, undefined, 30_000]);
    expect(total).toEqual({ knownMicroUsd: 150_000, unknownParts: 1 });
    expect(exactMicroUsd(total)).toBeUndefined();
    expect(formatCostTotal(total)).toBe('at least $0.1500, partly unknown');
    expect(formatCostTotal(sumCosts([undefined]))).toBe('unknown');
  });
});
