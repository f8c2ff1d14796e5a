import { addMemoUsage, addUsage, emptyMemoUsage, emptyUsage, type NodeOfKind, type NodeResult } from '../../ir/index.js';
import type { NodeContext } from '../run/run-context.js';
import { subtreeIds } from '../run/spec-index.js';
import { decideCondition } from './decide-condition.js';
import { leafResults } from './describe-evidence.js';
import { cancelledResult, containerResult, sumUsage } from './node-result.js';
import { runChildrenInOrder } from './run-children.js';

/**
 * Runs the body (in order) up to max_iterations times, deciding after each iteration whether
 * the condition holds: by the named test leaves' results (`until.tests_pass`) or by a judge
 * (`until.judge`, else the free-text `condition`). Every decision is recorded. The loop's
 * children are its final iteration's; earlier iterations add their usage and are summarised in
 * details. A loop whose condition never held fails.
 */
export async function runLoopUntil(node: NodeOfKind<'loop_until'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { registry } = context.run;
  const bodyIds = spec.children.flatMap((child) => subtreeIds(child));
  const maxIterations = spec.max_iterations ?? 1;
  const decisions: { iteration: number; answer: boolean; reason: string }[] = [];
  let usage = emptyUsage();
  let memoUsage = emptyMemoUsage();
  let last: NodeResult[] = [];
  let met = false;
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    if (iteration > 0) {
      const earlier = sumUsage(last);
      usage = addUsage(usage, earlier.usage);
      memoUsage = addMemoUsage(memoUsage, earlier.memoUsage);
      registry.reset(bodyIds);
    }
    const inner: NodeContext = { ...context, iteration, ...(iteration > 0 ? { previousIteration: resultsById(last) } : {}) };
    last = await runChildrenInOrder(spec.children, inner);
    if (context.scope.reason) {
      return cancelledResult(node, context.scope.reason, { ...totals(last, usage, memoUsage), children: last, details: { iterations: iteration + 1, decisions } });
    }
    const decision = await decideCondition(inner, spec.id, spec.until, spec.condition, leafResults(last));
    usage = addUsage(usage, decision.usage);
    memoUsage = addMemoUsage(memoUsage, decision.memoUsage);
    if (decision.error !== undefined) {
      return containerResult(node, last, { status: decision.diverged ? 'replay_diverged' : 'failed', usage, memoUsage, error: `condition could not be decided: ${decision.error}`, details: { iterations: iteration + 1, decisions } });
    }
    decisions.push({ iteration, answer: decision.answer, reason: decision.reason });
    if (decision.answer) {
      met = true;
      break;
    }
  }
  const details = { iterations: decisions.length, met, decisions };
  if (met) return containerResult(node, last, { usage, memoUsage, details });
  return containerResult(node, last, { status: 'failed', usage, memoUsage, error: `condition not met after ${maxIterations} iteration(s): ${decisions.at(-1)?.reason ?? ''}`, details });
}

function resultsById(results: readonly NodeResult[]): Map<string, NodeResult> {
  const byId = new Map<string, NodeResult>();
  const visit = (result: NodeResult): void => {
    byId.set(result.id, result);
    for (const child of result.children ?? []) visit(child);
  };
  for (const result of results) visit(result);
  return byId;
}

function totals(children: readonly NodeResult[], usage: ReturnType<typeof emptyUsage>, memoUsage: ReturnType<typeof emptyMemoUsage>) {
  const body = sumUsage(children);
  return { usage: addUsage(usage, body.usage), memoUsage: addMemoUsage(memoUsage, body.memoUsage) };
}
