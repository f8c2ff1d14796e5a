import { childListsOf, type LeafSpec, type NodeSpec, type PermissionSpec } from '../../ir/index.js';
import { isCommandAllowed } from '../../util/index.js';
import type { EffectivePermissions } from '../contracts/index.js';
import type { PermissionGrant } from './permission-grant.js';

/**
 * What the containers above a leaf allow. A field left at its default declares nothing and
 * inherits; validation has already rejected explicit widening, so the nearest declaration wins.
 */
export interface InheritedPermissions {
  readonly allowNetwork: boolean;
  readonly allowedTools: readonly string[];
  readonly fileScope: readonly string[];
  /** Some enclosing branch runs its children in parallel. */
  readonly insideParallelBranch: boolean;
  /**
   * Set below model-generated structure (an expansion's nodes, a generated plan): the only
   * commands a leaf there may run besides the user's --allow-command grants — the commands the
   * source declared for it (its expand's template). Unset where the workflow source itself
   * declares the commands.
   */
  readonly commandCeiling?: readonly string[];
}

export const ROOT_PERMISSIONS: InheritedPermissions = { allowNetwork: false, allowedTools: [], fileScope: [], insideParallelBranch: false };

/** What the workflow's top-level nodes inherit: its own declarations, and no command authority for a generated plan. */
export function rootPermissions(declared: PermissionSpec, grant: PermissionGrant): InheritedPermissions {
  const root = inheritPermissions(ROOT_PERMISSIONS, declared);
  return grant.commandAuthority === 'granted-only' ? { ...root, commandCeiling: [] } : root;
}

export function inheritPermissions(parent: InheritedPermissions, declared: PermissionSpec, parallel = false): InheritedPermissions {
  return {
    allowNetwork: parent.allowNetwork || declared.allow_network,
    allowedTools: declared.allowed_tools.length > 0 ? declared.allowed_tools : parent.allowedTools,
    fileScope: declared.file_scope.length > 0 ? declared.file_scope : parent.fileScope,
    insideParallelBranch: parent.insideParallelBranch || parallel,
    ...(parent.commandCeiling ? { commandCeiling: parent.commandCeiling } : {}),
  };
}

/**
 * Why `command` may not run where `inherited` applies, or undefined. Commands are authority:
 * below model-written structure (an expansion's nodes, a generated plan) only a command its
 * source declared (exactly) or one the user granted with --allow-command (exactly, or a
 * `prefix *` pattern) runs; an explicit list in the grant allows only those.
 */
export function commandRefusal(command: string, inherited: InheritedPermissions, grant: PermissionGrant): string | undefined {
  const granted = grant.grantedCommands ?? [];
  if (isCommandAllowed(command, granted)) return undefined;
  const ceiling = inherited.commandCeiling;
  if (ceiling && !ceiling.includes(command.trim())) {
    const declared = ceiling.length > 0 ? ceiling.map((entry) => `"${entry}"`).join(', ') : 'none';
    return `runs "${command}", which model output chose: a model-written leaf may run only a command its source declares (here: ${declared}) or one you grant with --allow-command`;
  }
  if (Array.isArray(grant.allowedCommands) && !(grant.allowedCommands as readonly string[]).includes(command)) return `runs "${command}", which the grant does not allow`;
  return undefined;
}

/** One reason the grant does not cover a leaf. */
export interface PermissionRefusal {
  readonly nodeId: string;
  readonly message: string;
}

export interface LeafPermissionPlan {
  readonly permissions: EffectivePermissions;
  readonly refusals: readonly PermissionRefusal[];
  /** True when the leaf was moved into a worktree because the grant keeps the working tree read-only. */
  readonly isolatedByGrant: boolean;
}

export function writesOf(leaf: LeafSpec): boolean {
  return leaf.mode === 'read_write' || leaf.permissions.allow_write;
}

/**
 * A leaf's effective permissions under the user's grant, and why the grant would not cover it.
 * Writers run in a worktree when they ask for one, when they run in parallel with siblings, or
 * when the grant keeps the user's working tree read-only (the default).
 */
export function planLeafPermissions(leaf: LeafSpec, inherited: InheritedPermissions, grant: PermissionGrant): LeafPermissionPlan {
  if (!isPlainLeaf(leaf)) return planFor(leaf, inherited, grant);
  // Most leaves declare nothing: their plan depends only on what they inherit, so siblings share
  // one; siblings come one after another, so the last one found is tried before the two lookups.
  if (inherited === lastPlain.inherited && grant === lastPlain.grant && lastPlain.plan) return lastPlain.plan;
  let byGrant = plainPlans.get(inherited);
  if (!byGrant) plainPlans.set(inherited, (byGrant = new WeakMap()));
  const cached = byGrant.get(grant);
  if (cached) return rememberPlain(inherited, grant, cached);
  const plan = planFor(leaf, inherited, grant);
  // A refusal names its leaf, so only refusal-free plans are shared.
  if (plan.refusals.length === 0) byGrant.set(grant, rememberPlain(inherited, grant, plan));
  return plan;
}

const plainPlans = new WeakMap<InheritedPermissions, WeakMap<PermissionGrant, LeafPermissionPlan>>();

/** The shared plan last found (a strong reference to three objects a run holds anyway, until the next run's). */
let lastPlain: { inherited?: InheritedPermissions; grant?: PermissionGrant; plan?: LeafPermissionPlan } = {};

function rememberPlain(inherited: InheritedPermissions, grant: PermissionGrant, plan: LeafPermissionPlan): LeafPermissionPlan {
  lastPlain = { inherited, grant, plan };
  return plan;
}

/** A read-only, shared, unscoped leaf without a command or permission declarations. */
function isPlainLeaf(leaf: LeafSpec): boolean {
  const declared = leaf.permissions;
  return (
    leaf.mode === 'read_only' &&
    leaf.isolation === 'shared' &&
    leaf.command === undefined &&
    leaf.file_scope.length === 0 &&
    !declared.allow_write &&
    !declared.allow_network &&
    declared.allowed_tools.length === 0 &&
    declared.file_scope.length === 0
  );
}

function planFor(leaf: LeafSpec, inherited: InheritedPermissions, grant: PermissionGrant): LeafPermissionPlan {
  const own = inheritPermissions(inherited, leaf.permissions);
  const writes = writesOf(leaf);
  const refusals: PermissionRefusal[] = [];
  const refuse = (message: string): void => {
    refusals.push({ nodeId: leaf.id, message });
  };
  if (writes && !grant.allowWrite) refuse('writes files, but the run is read-only');
  if (own.allowNetwork && !grant.allowNetwork) refuse('needs network access, which the grant does not allow (--allow-network)');
  const commands = leaf.command !== undefined ? [leaf.command] : [];
  for (const command of commands) {
    const refusal = commandRefusal(command, inherited, grant);
    if (refusal) refuse(refusal);
  }
  const wantsWorktree = leaf.isolation === 'worktree' || (writes && own.insideParallelBranch);
  const isolatedByGrant = writes && !wantsWorktree && !grant.allowWriteTree;
  const permissions: EffectivePermissions = {
    allowWrite: writes && grant.allowWrite,
    allowNetwork: own.allowNetwork && grant.allowNetwork,
    allowedTools: own.allowedTools,
    fileScope: leaf.file_scope.length > 0 ? leaf.file_scope : own.fileScope,
    allowedCommands: commands,
    isolation: wantsWorktree || isolatedByGrant ? 'worktree' : 'shared',
  };
  return { permissions, refusals, isolatedByGrant };
}

/**
 * What the nodes an expand generates inherit: the expand's own context, with the command
 * ceiling of its source — the commands its `template` declares. Below an expansion (a generated
 * expand inside generated nodes) the ceiling stays the outer one: a template a model wrote
 * declares nothing.
 */
export function expansionPermissions(inherited: InheritedPermissions, template: NodeSpec | null): InheritedPermissions {
  return { ...inherited, commandCeiling: inherited.commandCeiling ?? declaredCommands(template) };
}

/** Every command a piece of source declares: leaf commands and memory contexts loaded from a command. */
export function declaredCommands(node: NodeSpec | null): string[] {
  const commands = new Set<string>();
  const visit = (current: NodeSpec): void => {
    if (current.kind === 'leaf' && current.spec.command !== undefined) commands.add(current.spec.command.trim());
    if (current.kind === 'memory' && current.spec.source.command !== undefined) commands.add(current.spec.source.command.trim());
    for (const list of childListsOf(current)) for (const child of list.nodes) visit(child);
  };
  if (node) visit(node);
  return [...commands];
}
