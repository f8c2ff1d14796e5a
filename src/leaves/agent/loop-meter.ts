import type { RemainingBudget } from '../../engine/index.js';
import { assertNever } from '../../util/index.js';

/** Which limit stopped a loop before it finished. */
export type LoopLimit = 'steps' | 'tokens' | 'cost' | 'time';

export interface LoopTotals {
  steps: number;
  inputTokens: number;
  outputTokens: number;
  /** null once any call's price was unknown. */
  costMicrousd: number | null;
}

/**
 * Counts what the loop spent against the leaf's remaining budget (tokens and cost paid to the
 * provider; memo hits are free) and says which limit, if any, forbids another model call.
 */
export class LoopMeter {
  readonly totals: LoopTotals = { steps: 0, inputTokens: 0, outputTokens: 0, costMicrousd: 0 };
  private readonly maxSteps: number;

  constructor(
    private readonly budget: RemainingBudget,
    private readonly now: () => number,
    defaultMaxSteps: number,
  ) {
    this.maxSteps = Math.min(budget.steps ?? Number.POSITIVE_INFINITY, defaultMaxSteps);
  }

  record(paid: { inputTokens: number; outputTokens: number; costMicrousd: number | null }): void {
    this.totals.steps += 1;
    this.totals.inputTokens += paid.inputTokens;
    this.totals.outputTokens += paid.outputTokens;
    this.totals.costMicrousd = this.totals.costMicrousd === null || paid.costMicrousd === null ? null : this.totals.costMicrousd + paid.costMicrousd;
  }

  /** The limit that forbids another model call, or undefined. */
  exhausted(): LoopLimit | undefined {
    if (this.totals.steps >= this.maxSteps) return 'steps';
    if (this.budget.tokens !== undefined && this.totals.inputTokens + this.totals.outputTokens >= this.budget.tokens) return 'tokens';
    if (this.budget.costMicrousd !== undefined && this.totals.costMicrousd !== null && this.totals.costMicrousd >= this.budget.costMicrousd) return 'cost';
    if (this.budget.deadline !== undefined && this.now() >= this.budget.deadline) return 'time';
    return undefined;
  }

  describe(limit: LoopLimit): string {
    switch (limit) {
      case 'steps':
        return `step budget exhausted after ${this.totals.steps} model calls`;
      case 'tokens':
        return `token budget exhausted (${this.totals.inputTokens + this.totals.outputTokens} of ${this.budget.tokens})`;
      case 'cost':
        return `cost budget exhausted (${this.totals.costMicrousd} of ${this.budget.costMicrousd} micro-USD)`;
      case 'time':
        return 'time budget exhausted';
      default:
        return assertNever(limit, 'loop limit');
    }
  }
}
