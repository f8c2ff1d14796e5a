import type { NodeOfKind, NodeResult } from '../../ir/index.js';
import { decisionKey } from '../effects/decision-key.js';
import type { NodeContext } from '../run/run-context.js';
import { candidateFruit } from './candidate-fruit.js';
import { cancelledResult, nodeResult } from './node-result.js';
import { waitForReferences } from './resolve-references.js';

/**
 * Records a review of its candidates and their evidence (outcome, output, diffs, tests) for the
 * teacher loop, as a `review` decision. It judges nothing itself, so it succeeds once every
 * candidate has settled, whatever their outcome.
 */
export async function runTeacherReview(node: NodeOfKind<'teacher_review'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  await waitForReferences(context, spec.id, spec.candidates);
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
  const fruit = spec.candidates.map((id) => candidateFruit(id, context.run.registry.peek(id)));
  const succeeded = fruit.filter((candidate) => candidate.status === 'succeeded').length;
  const reason = `${succeeded} of ${fruit.length} candidate(s) succeeded; promotion policy ${spec.promotion_policy.strategy}`;
  context.run.emit({
    type: 'decision',
    nodeId: spec.id,
    iteration: context.iteration,
    key: decisionKey(spec.id, context.iteration, { review: spec.candidates }),
    decision: 'review',
    value: { candidates: fruit, promotion_policy: spec.promotion_policy },
    reason,
  });
  return nodeResult(node, 'succeeded', { output: reason, details: { candidates: fruit } });
}
