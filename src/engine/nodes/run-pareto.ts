import { DEFAULT_PARETO_OBJECTIVES, type NodeOfKind, type NodeResult, type ParetoMetric, type ParetoObjective } from '../../ir/index.js';
import { assertNever } from '../../util/index.js';
import { performComputed } from '../effects/call-gateway.js';
import type { ResultRegistry } from '../run/result-registry.js';
import type { NodeContext } from '../run/run-context.js';
import { candidateFruit, diffSize, latencyOf, type CandidateFruit } from './candidate-fruit.js';
import { cancelledResult, failedResult, nodeResult } from './node-result.js';
import { waitForReferences } from './resolve-references.js';

type Metrics = Readonly<Record<ParetoMetric, number>>;

/**
 * Keeps the candidates no other succeeded candidate dominates on the objectives (by default
 * score ↑, cost ↓, diff size ↓), at most max_items of them in declaration order. Waits for every
 * candidate; records the front and the dropped candidates' fruit.
 */
export async function runPareto(node: NodeOfKind<'pareto'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { registry } = context.run;
  await waitForReferences(context, spec.id, spec.candidates);
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
  const fruit = spec.candidates.map((id) => candidateFruit(id, registry.peek(id)));
  const objectives = spec.objectives.length > 0 ? spec.objectives : DEFAULT_PARETO_OBJECTIVES;
  const metrics = new Map(fruit.filter((candidate) => candidate.status === 'succeeded').map((candidate) => [candidate.id, metricsOf(candidate, registry)]));
  const identity = { candidates: spec.candidates, objectives, max_items: spec.max_items ?? null };
  const { result, key } = await performComputed(context, 'selection', spec.id, { ...identity, metrics: Object.fromEntries(metrics) }, () => ({ front: paretoFront(spec.candidates, metrics, objectives, spec.max_items) }), identity);
  const front = (result.data as { front: string[] }).front;
  if (front.length === 0) return failedResult(node, 'no candidate succeeded', { details: { fruit } });
  context.run.emit({
    type: 'decision',
    nodeId: spec.id,
    iteration: context.iteration,
    key,
    decision: 'pareto_front',
    value: { front, objectives, dropped: fruit.filter((candidate) => !front.includes(candidate.id)) },
    reason: `${front.length} of ${spec.candidates.length} candidate(s) are not dominated`,
  });
  return nodeResult(node, 'succeeded', { output: JSON.stringify(front), details: { front, metrics: Object.fromEntries(metrics), fruit } });
}

export function paretoFront(order: readonly string[], metrics: ReadonlyMap<string, Metrics>, objectives: readonly ParetoObjective[], maxItems?: number): string[] {
  const ids = order.filter((id) => metrics.has(id));
  const front = ids.filter((id) => !ids.some((other) => other !== id && dominates(metrics.get(other)!, metrics.get(id)!, objectives)));
  return maxItems !== undefined ? front.slice(0, maxItems) : front;
}

/** At least as good on every objective and strictly better on one. */
function dominates(left: Metrics, right: Metrics, objectives: readonly ParetoObjective[]): boolean {
  let strictlyBetter = false;
  for (const { metric, direction } of objectives) {
    const difference = direction === 'max' ? left[metric] - right[metric] : right[metric] - left[metric];
    if (difference < 0 || Number.isNaN(difference)) return false;
    if (difference > 0) strictlyBetter = true;
  }
  return strictlyBetter;
}

function metricsOf(fruit: CandidateFruit, registry: ResultRegistry): Metrics {
  const value = (metric: ParetoMetric): number => {
    switch (metric) {
      case 'score':
        return fruit.score ?? Number.NEGATIVE_INFINITY;
      case 'cost':
        return fruit.costMicrousd ?? Number.POSITIVE_INFINITY;
      case 'diff_size':
        return diffSize(fruit);
      case 'latency':
        return latencyOf(registry, fruit.id);
      case 'tokens':
        return fruit.tokens;
      default:
        return assertNever(metric, 'pareto metric');
    }
  };
  return { score: value('score'), cost: value('cost'), diff_size: value('diff_size'), latency: value('latency'), tokens: value('tokens') };
}
