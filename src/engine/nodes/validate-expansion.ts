import { parseWorkflowSpec, validateSpec, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import type { Diagnostic } from '../../util/index.js';
import type { InheritedPermissions, PermissionGrant } from '../permissions/index.js';
import { planLeafPermissions, inheritPermissions } from '../permissions/index.js';
import { childListsOf } from '../../ir/index.js';

export type ExpansionCheck =
  | { readonly ok: true; readonly nodes: readonly NodeSpec[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface ExpansionLimits {
  readonly maxChildren: number;
  /** Every id already used in the run: generated ids must be new. */
  readonly reservedIds: ReadonlySet<string>;
  readonly permissions: InheritedPermissions;
  readonly grant: PermissionGrant;
}

/**
 * Planner output passes the same gate as a workflow file: parsed as IR nodes, validated with
 * every run id reserved, and held to the user's permission grant. The reply is an array of
 * nodes or `{"nodes": [...]}`.
 */
export function validateExpansion(workflow: Pick<WorkflowSpec, 'id' | 'goal'>, reply: unknown, limits: ExpansionLimits): ExpansionCheck {
  const nodes = Array.isArray(reply) ? reply : (reply as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return invalid('the reply must be a JSON array of nodes ({"kind": ..., "spec": {...}}) or {"nodes": [...]}');
  if (nodes.length === 0) return invalid('the reply has no nodes');
  if (nodes.length > limits.maxChildren) return invalid(`the reply has ${nodes.length} nodes, more than max_children ${limits.maxChildren}`);
  const parsed = parseWorkflowSpec({ id: workflow.id, goal: workflow.goal, nodes });
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const diagnostics = [...validateSpec(parsed.spec, { reservedIds: limits.reservedIds }), ...permissionDiagnostics(parsed.spec.nodes, limits)];
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, nodes: parsed.spec.nodes };
}

function permissionDiagnostics(nodes: readonly NodeSpec[], limits: ExpansionLimits): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const visit = (node: NodeSpec, inherited: InheritedPermissions): void => {
    if (node.kind === 'leaf') {
      for (const refusal of planLeafPermissions(node.spec, inherited, limits.grant).refusals) {
        diagnostics.push({ severity: 'error', code: 'permission-refused', message: `node "${refusal.nodeId}": ${refusal.message}`, nodeId: refusal.nodeId });
      }
      return;
    }
    const inner = node.kind === 'branch_set' ? inheritPermissions(inherited, node.spec.permissions, node.spec.parallel) : inherited;
    for (const list of childListsOf(node)) for (const child of list.nodes) visit(child, inner);
  };
  for (const node of nodes) visit(node, limits.permissions);
  return diagnostics;
}

function invalid(message: string): ExpansionCheck {
  return { ok: false, diagnostics: [{ severity: 'error', code: 'invalid-expansion', message }] };
}
