import type { NodeOfKind, NodeResult } from '../../ir/index.js';
import type { NodeContext } from '../run/run-context.js';
import { subtreeIds } from '../run/spec-index.js';
import { decideCondition } from './decide-condition.js';
import { cancelledResult, containerResult } from './node-result.js';
import { waitForReferences } from './resolve-references.js';
import { runChildrenInOrder } from './run-children.js';

/**
 * Decides `when` (tests_pass from the named tests' results, or a judge) or the free-text
 * condition with a judge, records the decision, then runs one arm in order. The other arm is
 * settled as absent at once, so nothing waits for it. Its status is its arm's outcome.
 */
export async function runCond(node: NodeOfKind<'cond'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { registry } = context.run;
  if (spec.when && 'tests_pass' in spec.when) await waitForReferences(context, spec.id, spec.when.tests_pass);
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
  const decision = await decideCondition(context, spec.id, spec.when, spec.condition, context.run.recentLeafResults());
  if (decision.error !== undefined) {
    registry.settleAbsent([...spec.then_nodes, ...spec.else_nodes].flatMap((child) => subtreeIds(child)));
    return containerResult(node, [], { status: decision.diverged ? 'replay_diverged' : 'failed', usage: decision.usage, memoUsage: decision.memoUsage, error: `condition could not be decided: ${decision.error}` });
  }
  const [chosen, other] = decision.answer ? [spec.then_nodes, spec.else_nodes] : [spec.else_nodes, spec.then_nodes];
  registry.settleAbsent(other.flatMap((child) => subtreeIds(child)));
  const children = await runChildrenInOrder(chosen, context);
  return containerResult(node, children, {
    usage: decision.usage,
    memoUsage: decision.memoUsage,
    details: { arm: decision.answer ? 'then' : 'else', answer: decision.answer, reason: decision.reason },
  });
}
