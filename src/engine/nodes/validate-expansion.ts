import { launchShapeOf, parseWorkflowSpec, validateSpec, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import type { LaunchLimits } from '../contracts/index.js';
import type { Diagnostic } from '../../util/index.js';
import type { InheritedPermissions, PermissionGrant } from '../permissions/index.js';
import { commandRefusal, expansionPermissions, planLeafPermissions, inheritPermissions } from '../permissions/index.js';
import { childListsOf } from '../../ir/index.js';

export type ExpansionCheck =
  | { readonly ok: true; readonly nodes: readonly NodeSpec[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface ExpansionLimits {
  readonly maxChildren: number;
  /** Every id already used in the run: generated ids must be new. */
  readonly reservedIds: ReadonlySet<string>;
  /** What the generated nodes inherit where they are inserted, with the command ceiling of the expand's source. */
  readonly permissions: InheritedPermissions;
  readonly grant: PermissionGrant;
  /** The run's launch limits and where the expand sits: its id, the branches around it, the workflow it is part of. */
  readonly launch?: LaunchLimits & { readonly expandId: string; readonly depth: number; readonly workflow: WorkflowSpec };
}

/**
 * Planner output is model output: it passes the same gate as a workflow file — parsed as IR
 * nodes and validated with every run id reserved — in the context it is inserted into: under
 * the enclosing permissions (a generated file_scope must stay inside the inherited one), as part
 * of an enclosing parallel branch (a read_write leaf there needs a file_scope or a worktree),
 * and held to the user's grant and to the command ceiling: a generated leaf may run only a
 * command its expand's template declares or the user granted with --allow-command. The reply
 * is an array of nodes or `{"nodes": [...]}`.
 */
export function validateExpansion(workflow: Pick<WorkflowSpec, 'id' | 'goal'>, reply: unknown, limits: ExpansionLimits): ExpansionCheck {
  const nodes = Array.isArray(reply) ? reply : (reply as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return invalid('the reply must be a JSON array of nodes ({"kind": ..., "spec": {...}}) or {"nodes": [...]}');
  if (nodes.length === 0) return invalid('the reply has no nodes');
  if (nodes.length > limits.maxChildren) return invalid(`the reply has ${nodes.length} nodes, more than max_children ${limits.maxChildren}`);
  const { permissions } = limits;
  // The enclosing permissions become the synthetic workflow's own, so the narrowing rule holds the nodes to them.
  const context = { allow_network: permissions.allowNetwork, allowed_tools: permissions.allowedTools, file_scope: permissions.fileScope };
  const parsed = parseWorkflowSpec({ id: workflow.id, goal: workflow.goal, permissions: context, nodes });
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const diagnostics = [
    // The launch shape is judged below, against what is left of the run's own limits.
    // Without the patch (a run recorded before it), the reply alone against the default limits.
    ...validateSpec(parsed.spec, limits.launch ? { reservedIds: limits.reservedIds, maxAgents: Number.MAX_SAFE_INTEGER, maxDepth: Number.MAX_SAFE_INTEGER } : { reservedIds: limits.reservedIds }),
    ...(limits.launch ? launchDiagnostics(parsed.spec, limits.launch) : []),
    ...(permissions.insideParallelBranch ? unscopedParallelWriters(parsed.spec.nodes) : []),
    ...permissionDiagnostics(parsed.spec.nodes, limits),
  ];
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, nodes: parsed.spec.nodes };
}

/**
 * The user's --max-agents and --max-depth hold for model-written nodes too: the whole workflow
 * with this expansion in place of its template (every other loop and expand at its bound, as the
 * gate counted them) may launch no more agents than the run allows, and the branches around the
 * expand plus the expansion's own nesting are no deeper. Both figures are static — never how many
 * leaves happened to have started — so a replay or a resume judges the reply exactly as the run did.
 */
function launchDiagnostics(spec: WorkflowSpec, launch: NonNullable<ExpansionLimits['launch']>): Diagnostic[] {
  const shape = launchShapeOf(spec);
  const diagnostics: Diagnostic[] = [];
  const agents = launchShapeOf(launch.workflow, { expandId: launch.expandId, shape }).agents;
  if (agents > launch.maxAgents) {
    const message = `expand "${launch.expandId}": the generated nodes may launch ${shape.agents} agent(s); with them in place of the template the workflow may launch ${agents}, more than the run's limit of ${launch.maxAgents} (--max-agents)`;
    diagnostics.push({ severity: 'error', code: 'too-many-agents', message, nodeId: launch.expandId });
  }
  const depth = launch.depth + shape.depth;
  if (depth > launch.maxDepth) {
    const message = `expand "${launch.expandId}": the generated nodes nest branches ${shape.depth} deep inside the ${launch.depth} around the expand, ${depth} in all, more than the run's limit of ${launch.maxDepth} (--max-depth)`;
    diagnostics.push({ severity: 'error', code: 'too-deep', message, nodeId: launch.expandId });
  }
  return diagnostics;
}

function declaresNetwork(node: NodeSpec): boolean {
  return (node.kind === 'leaf' || node.kind === 'branch_set') && node.spec.permissions.allow_network;
}

/** The expansion runs inside a parallel branch: its writers are parallel writers too (the rule validateSpec applies within a spec). */
function unscopedParallelWriters(nodes: readonly NodeSpec[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const visit = (node: NodeSpec): void => {
    if (node.kind === 'leaf' && node.spec.mode === 'read_write' && node.spec.isolation !== 'worktree' && node.spec.file_scope.length === 0) {
      const message = `node "${node.spec.id}": read_write leaf generated inside a parallel branch needs a non-empty file_scope or isolation "worktree"`;
      diagnostics.push({ severity: 'error', code: 'unscoped-parallel-writer', message, nodeId: node.spec.id, field: 'mode' });
    }
    for (const list of childListsOf(node)) for (const child of list.nodes) visit(child);
  };
  for (const node of nodes) visit(node);
  return diagnostics;
}

function permissionDiagnostics(nodes: readonly NodeSpec[], limits: ExpansionLimits): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const refuse = (nodeId: string, message: string): void => {
    diagnostics.push({ severity: 'error', code: 'permission-refused', message: `node "${nodeId}": ${message}`, nodeId });
  };
  const visit = (node: NodeSpec, inherited: InheritedPermissions): void => {
    // Network access is authority the source declares (and the pre-flight shows); a planner cannot add it.
    if (!limits.permissions.allowNetwork && declaresNetwork(node)) refuse(node.spec.id, 'asks for network access, which model output cannot grant: only the workflow source declares it (on the expand or an enclosing branch)');
    if (node.kind === 'leaf') {
      for (const refusal of planLeafPermissions(node.spec, inherited, limits.grant).refusals) refuse(refusal.nodeId, refusal.message);
      return;
    }
    if (node.kind === 'memory' && node.spec.source.command !== undefined) {
      const refusal = commandRefusal(node.spec.source.command, inherited, limits.grant);
      if (refusal) refuse(node.spec.id, `loads the output of a command: ${refusal}`);
    }
    if (node.kind === 'expand') {
      visitList(node, expansionPermissions(inherited, node.spec.template));
      return;
    }
    visitList(node, node.kind === 'branch_set' ? inheritPermissions(inherited, node.spec.permissions, node.spec.parallel) : inherited);
  };
  const visitList = (node: NodeSpec, inner: InheritedPermissions): void => {
    for (const list of childListsOf(node)) for (const child of list.nodes) visit(child, inner);
  };
  for (const node of nodes) visit(node, limits.permissions);
  return diagnostics;
}

function invalid(message: string): ExpansionCheck {
  return { ok: false, diagnostics: [{ severity: 'error', code: 'invalid-expansion', message }] };
}
