export { BudgetTracker, type Charge } from './budget-tracker.js';
export { estimateRun, type EstimatePricing, type RunEstimate } from './estimate-run.js';
export { hasBudget } from './has-budget.js';
