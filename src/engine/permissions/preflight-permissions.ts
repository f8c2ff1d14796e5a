import { childListsOf, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import { WhaleflowError } from '../../util/index.js';
import {
  commandRefusal,
  expansionPermissions,
  inheritPermissions,
  planLeafPermissions,
  rootPermissions,
  type InheritedPermissions,
  type PermissionRefusal,
} from './effective-permissions.js';
import type { PermissionGrant } from './permission-grant.js';

/** What a run needs, listed before it starts. */
export interface PermissionPreflight {
  readonly writes: readonly { readonly nodeId: string; readonly isolation: 'shared' | 'worktree'; readonly fileScope: readonly string[] }[];
  readonly commands: readonly { readonly nodeId: string; readonly command: string }[];
  readonly network: readonly string[];
  /** Every expand, and the only commands the leaves it generates may run (its template's, plus --allow-command grants). */
  readonly expansions: readonly { readonly nodeId: string; readonly commands: readonly string[] }[];
  readonly refusals: readonly PermissionRefusal[];
}

/** The grant does not cover what the workflow needs; names every node and why. */
export class PermissionRefusedError extends WhaleflowError {
  override readonly name = 'PermissionRefusedError';
  constructor(readonly refusals: readonly PermissionRefusal[]) {
    super(`the permission grant does not cover this workflow:\n${refusals.map((refusal) => `  node "${refusal.nodeId}": ${refusal.message}`).join('\n')}`);
  }
}

/**
 * Walks every leaf (both cond arms, loop bodies, expand templates) and lists its needs under the
 * grant, and, for every expand, the commands the leaves it will generate may run.
 */
export function preflightPermissions(spec: WorkflowSpec, grant: PermissionGrant): PermissionPreflight {
  // `whaleflow run` lists the pre-flight, then executeWorkflow checks it again: one walk for both.
  let byGrant = preflights.get(spec);
  if (!byGrant) preflights.set(spec, (byGrant = new WeakMap()));
  let preflight = byGrant.get(grant);
  if (!preflight) byGrant.set(grant, (preflight = walkPreflight(spec, grant)));
  return preflight;
}

/** A spec and a grant are never changed once made, so their pre-flight is too (frozen: shared by callers). */
const preflights = new WeakMap<WorkflowSpec, WeakMap<PermissionGrant, PermissionPreflight>>();

function walkPreflight(spec: WorkflowSpec, grant: PermissionGrant): PermissionPreflight {
  const plan = { writes: [], commands: [], network: [], expansions: [], refusals: [] } as {
    writes: PermissionPreflight['writes'][number][];
    commands: PermissionPreflight['commands'][number][];
    network: string[];
    expansions: PermissionPreflight['expansions'][number][];
    refusals: PermissionRefusal[];
  };
  const visit = (node: NodeSpec, inherited: InheritedPermissions): void => {
    if (node.kind === 'leaf') {
      const leafPlan = planLeafPermissions(node.spec, inherited, grant);
      const { permissions } = leafPlan;
      if (permissions.allowWrite) plan.writes.push({ nodeId: node.spec.id, isolation: permissions.isolation, fileScope: permissions.fileScope });
      // Indexed loops: this runs once per leaf, cold, and most leaves have nothing in either list.
      const commands = permissions.allowedCommands;
      for (let index = 0; index < commands.length; index += 1) plan.commands.push({ nodeId: node.spec.id, command: commands[index]! });
      if (inherited.allowNetwork || node.spec.permissions.allow_network) plan.network.push(node.spec.id); // what inheritPermissions would give
      const refusals = leafPlan.refusals;
      for (let index = 0; index < refusals.length; index += 1) plan.refusals.push(refusals[index]!);
      return;
    }
    if (node.kind === 'memory') {
      // A context loaded from a command's output runs that command: held to the grant like a shell leaf's.
      const { command } = node.spec.source;
      if (command === undefined) return;
      plan.commands.push({ nodeId: node.spec.id, command });
      const refusal = commandRefusal(command, inherited, grant);
      if (refusal) plan.refusals.push({ nodeId: node.spec.id, message: `loads the output of a command: ${refusal}` });
      return;
    }
    if (node.kind === 'expand') {
      const generated = expansionPermissions(inherited, node.spec.template);
      plan.expansions.push({ nodeId: node.spec.id, commands: [...new Set([...(generated.commandCeiling ?? []), ...(grant.grantedCommands ?? [])])] });
    }
    const inner = node.kind === 'branch_set' ? inheritPermissions(inherited, node.spec.permissions, node.spec.parallel) : inherited;
    for (const list of childListsOf(node)) {
      const children = list.nodes;
      for (let index = 0; index < children.length; index += 1) visit(children[index]!, inner);
    }
  };
  const root = rootPermissions(spec.permissions, grant);
  for (const node of spec.nodes) visit(node, root);
  return Object.freeze(plan);
}
