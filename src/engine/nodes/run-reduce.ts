import type { NodeOfKind, NodeResult } from '../../ir/index.js';
import { callGateway } from '../effects/call-gateway.js';
import { mergeModelPolicy, type NodeContext } from '../run/run-context.js';
import { describeEvidence } from './describe-evidence.js';
import { cancelledResult, failedResult, nodeResult } from './node-result.js';
import { appendReferencedResults } from './referenced-outputs.js';
import { resolveReferences } from './resolve-references.js';

/** One model call (role `reducer` unless the node names one) over the outputs of its inputs, which must all have succeeded. */
export async function runReduce(node: NodeOfKind<'reduce'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const references = await resolveReferences(context, spec.id, spec.inputs, 'inputs');
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
  if (references.problems.length > 0) return failedResult(node, references.problems.join('; '));
  // A container input reads as what it contains, in declaration order (see appendReferencedResults).
  const inputs: NodeResult[] = [];
  const { patches } = context.run.settings;
  for (const result of references.inOrder) appendReferencedResults(inputs, result!, patches);
  const { result } = await callGateway(context, 'reduce', {
    role: spec.role ?? 'reducer',
    prompt: `${spec.prompt}\n\n${describeEvidence(inputs)}`,
    responseFormat: 'text',
    nodeId: spec.id,
    modelPolicy: mergeModelPolicy(context.modelPolicy, spec.model_policy),
  });
  const fields = { output: result.output, usage: result.usage, memoUsage: result.memo_usage };
  if (context.scope.reason) return cancelledResult(node, context.scope.reason, fields);
  if (result.status !== 'succeeded') return failedResult(node, result.error ?? 'the reduce call failed', fields);
  return nodeResult(node, 'succeeded', fields);
}
