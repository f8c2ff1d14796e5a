import type { NodeOfKind, NodeResult } from '../../ir/index.js';
import { BudgetTracker } from '../budget/budget-tracker.js';
import { hasBudget } from '../budget/has-budget.js';
import { inheritPermissions } from '../permissions/index.js';
import { mergeModelPolicy, type NodeContext } from '../run/run-context.js';
import { containerResult } from './node-result.js';
import { runChildrenInOrder, runChildrenInParallel } from './run-children.js';

/**
 * A branch: its own budget level, permissions and model policy for everything below it;
 * children run concurrently when `parallel` (bounded by budget.max_parallel), else in order.
 */
export async function runBranchSet(node: NodeOfKind<'branch_set'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const budget = hasBudget(spec.budget) ? new BudgetTracker(spec.id, spec.budget, context.budget, context.scope, context.run.environment, context.run.announcer(spec.id)) : context.budget;
  const inner: NodeContext = {
    ...context,
    budget,
    branchDepth: (context.branchDepth ?? 0) + 1,
    permissions: inheritPermissions(context.permissions, spec.permissions, spec.parallel),
    modelPolicy: mergeModelPolicy(context.modelPolicy, spec.model_policy),
  };
  try {
    const children = spec.parallel
      ? await runChildrenInParallel(spec.children, inner, spec.budget.max_parallel)
      : await runChildrenInOrder(spec.children, inner);
    return containerResult(node, children);
  } finally {
    if (budget !== context.budget) budget.close();
  }
}
