/**
 * USD per million tokens. A missing price is unknown, which is different from free: a call
 * that used tokens of an unknown price has an unknown cost, never $0.
 */
export interface ModelPrices {
  readonly inputCacheMiss?: number;
  readonly inputCacheHit?: number;
  readonly output?: number;
}
