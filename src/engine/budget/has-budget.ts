import type { BudgetSpec } from '../../ir/index.js';

/** True when the spec limits anything a BudgetTracker enforces (max_parallel is the scheduler's). */
export function hasBudget(budget: BudgetSpec): boolean {
  return (
    budget.max_tokens != null ||
    budget.max_steps != null ||
    budget.timeout_secs != null ||
    budget.max_cost_microusd !== undefined ||
    budget.max_leaves !== undefined
  );
}
