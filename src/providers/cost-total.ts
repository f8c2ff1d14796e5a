/**
 * A sum of costs where some parts may be unknown. With unknown parts the total is only a lower
 * bound, and it must read that way ("at least $0.12, partly unknown") rather than as a price.
 */
export interface CostTotal {
  /** Sum of the known parts, micro-USD. */
  readonly knownMicroUsd: number;
  /** How many parts had no price. */
  readonly unknownParts: number;
}

export const emptyCostTotal: CostTotal = Object.freeze({ knownMicroUsd: 0, unknownParts: 0 });

export function addCost(total: CostTotal, microUsd: number | undefined): CostTotal {
  return microUsd === undefined
    ? { knownMicroUsd: total.knownMicroUsd, unknownParts: total.unknownParts + 1 }
    : { knownMicroUsd: total.knownMicroUsd + microUsd, unknownParts: total.unknownParts };
}

export function addCostTotals(left: CostTotal, right: CostTotal): CostTotal {
  return { knownMicroUsd: left.knownMicroUsd + right.knownMicroUsd, unknownParts: left.unknownParts + right.unknownParts };
}

export function sumCosts(costs: Iterable<number | undefined>): CostTotal {
  let total = emptyCostTotal;
  for (const cost of costs) total = addCost(total, cost);
  return total;
}

/** The total when every part is known; undefined when it is only a lower bound. */
export function exactMicroUsd(total: CostTotal): number | undefined {
  return total.unknownParts === 0 ? total.knownMicroUsd : undefined;
}

export function formatMicroUsd(microUsd: number): string {
  return `$${(microUsd / 1_000_000).toFixed(microUsd !== 0 && Math.abs(microUsd) < 10_000 ? 6 : 4)}`;
}

export function formatCostTotal(total: CostTotal): string {
  if (total.unknownParts === 0) return formatMicroUsd(total.knownMicroUsd);
  if (total.knownMicroUsd === 0) return 'unknown';
  return `at least ${formatMicroUsd(total.knownMicroUsd)}, partly unknown`;
}
