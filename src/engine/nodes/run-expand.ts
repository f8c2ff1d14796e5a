import { addMemoUsage, addUsage, emptyMemoUsage, emptyUsage, type NodeOfKind, type NodeResult, type NodeSpec } from '../../ir/index.js';
import type { Diagnostic } from '../../util/index.js';
import { callGateway } from '../effects/call-gateway.js';
import { parseJsonReply } from '../effects/parse-json-answer.js';
import type { NodeContext } from '../run/run-context.js';
import { cancelledResult, containerResult } from './node-result.js';
import { runChildrenInOrder } from './run-children.js';
import { expansionPermissions } from '../permissions/index.js';
import { validateExpansion, type ExpansionCheck } from './validate-expansion.js';

export const PLANNER_SYSTEM =
  'You expand one step of a coding workflow into concrete WhaleFlow IR nodes. Reply with JSON only: ' +
  'an array of nodes, each {"kind": "...", "spec": {...}}, following the template you are given. Every id must be new.';

const SHOWN_RESERVED_IDS = 200;

/**
 * Asks the planner (role `planner` unless the node names one) for up to max_children nodes
 * following the template; the reply passes the same validation gate as a workflow file, with
 * every id in the run reserved. An invalid reply gets exactly one repair attempt with the
 * diagnostics; then the node fails with them. Valid nodes run in order, and the expansion is
 * recorded as a decision.
 */
export async function runExpand(node: NodeOfKind<'expand'>, context: NodeContext): Promise<NodeResult> {
  const { spec } = node;
  const { run } = context;
  const maxChildren = spec.max_children ?? 1;
  // Generated nodes run where the expand is, with no command authority of their own: only its template's commands.
  const generated = { ...context, permissions: expansionPermissions(context.permissions, spec.template) };
  const launch = run.settings.patches.has('expansion-launch-limits') ? { ...run.settings.launchLimits, expandId: spec.id, depth: context.branchDepth ?? 0, workflow: run.spec } : undefined;
  const limits = { maxChildren, reservedIds: new Set(run.index.ids()), permissions: generated.permissions, grant: run.settings.grant, launch };
  const basePrompt = plannerPrompt(node, maxChildren, limits.reservedIds);
  let usage = emptyUsage();
  let memoUsage = emptyMemoUsage();
  let check: ExpansionCheck | undefined;
  let prompt = basePrompt;
  let attempts = 0;
  for (; attempts < 2; attempts += 1) {
    const { result, key } = await callGateway(
      context,
      'expand',
      { role: spec.role ?? 'planner', system: PLANNER_SYSTEM, prompt, responseFormat: 'json', nodeId: spec.id, modelPolicy: context.modelPolicy },
      parseJsonReply,
    );
    usage = addUsage(usage, result.usage);
    memoUsage = addMemoUsage(memoUsage, result.memo_usage);
    if (context.scope.reason) return cancelledResult(node, context.scope.reason, { usage, memoUsage });
    check = result.status === 'succeeded' ? validateExpansion(run.spec, result.data, limits) : failedReply(result.error);
    if (check.ok) {
      run.emit({ type: 'decision', nodeId: spec.id, iteration: context.iteration, key, decision: 'expansion', value: { ids: check.nodes.map((child) => child.spec.id) }, reason: attempts === 0 ? 'planner reply valid' : 'planner reply valid after one repair' });
      break;
    }
    prompt = repairPrompt(basePrompt, result.output, check.diagnostics);
  }
  if (!check || !check.ok) {
    const messages = check && !check.ok ? check.diagnostics.map((diagnostic) => diagnostic.message) : [];
    return containerResult(node, [], { status: 'failed', usage, memoUsage, error: `expansion invalid after one repair: ${messages.join('; ')}`, details: { diagnostics: messages } });
  }
  const nodes: readonly NodeSpec[] = check.nodes;
  run.index.addList(nodes, node);
  const children = await runChildrenInOrder(nodes, generated);
  return containerResult(node, children, { usage, memoUsage, details: { expanded: nodes.map((child) => child.spec.id), repaired: attempts > 0 } });
}

function plannerPrompt(node: NodeOfKind<'expand'>, maxChildren: number, reserved: ReadonlySet<string>): string {
  const template = node.spec.template ? JSON.stringify(node.spec.template) : '(none: produce leaf nodes)';
  const taken = [...reserved].slice(0, SHOWN_RESERVED_IDS).join(', ');
  return `Source: ${node.spec.source}\n\nProduce at most ${maxChildren} node(s) following this template:\n${template}\n\nIds already taken: ${taken}`;
}

function repairPrompt(basePrompt: string, previous: string | null, diagnostics: readonly Diagnostic[]): string {
  return `${basePrompt}\n\nYour previous reply was invalid:\n${previous ?? '(no reply)'}\n\nProblems:\n${diagnostics.map((diagnostic) => `- ${diagnostic.message}`).join('\n')}\n\nReply again with corrected JSON only.`;
}

function failedReply(error: string | undefined): ExpansionCheck {
  return { ok: false, diagnostics: [{ severity: 'error', code: 'planner-failed', message: error ?? 'the planner call failed' }] };
}
