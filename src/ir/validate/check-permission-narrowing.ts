import { globCovers } from '../../util/index.js';
import { UNDECLARED_PERMISSIONS, type PermissionSpec } from '../schema/permission-spec.js';
import type { DocumentPath } from '../source-map.js';
import { childListsOf, type NodeLocation } from '../walk-nodes.js';
import type { NodeRule, ValidationContext } from './validation-context.js';

/** What an ancestor explicitly declared, and where. */
interface DeclaredCeiling {
  allowWrite?: { value: boolean; owner: string };
  allowNetwork?: { value: boolean; owner: string };
  allowedTools?: { value: readonly string[]; owner: string };
  fileScope?: { value: readonly string[]; owner: string };
}

const WORKFLOW = 'the workflow';
const FLAG_FIELDS = [
  ['allow_write', 'allowWrite'],
  ['allow_network', 'allowNetwork'],
] as const;

/**
 * Permissions only narrow: a node may not explicitly declare more than an ancestor explicitly
 * declared. A field left at its default declares nothing and inherits. Runs over every node, so
 * a node that declares nothing allocates nothing: document paths are built only when a source
 * must be asked or a diagnostic reported, and a ceiling is copied only when it changes.
 */
export function checkPermissionNarrowing(context: ValidationContext): NodeRule {
  const ceilings = new Map<unknown, DeclaredCeiling>();
  const root = narrow(context, {}, context.spec.permissions, () => ['permissions'], () => WORKFLOW);
  // Siblings follow each other: the last parent's ceiling is looked up once for all of them.
  let lastParent: unknown;
  let lastInherited = root;
  return {
    skipsPlainLeaves: true,
    visit(location) {
      const { node, ancestors } = location;
      const parent = ancestors.at(-1);
      if (parent !== lastParent) {
        lastParent = parent;
        lastInherited = (parent && ceilings.get(parent)) || root;
      }
      const inherited = lastInherited;
      if (node.kind === 'branch_set') {
        ceilings.set(node, narrow(context, inherited, node.spec.permissions, () => permissionsPathOf(location), () => `branch "${node.spec.id}"`, node.spec.id));
      } else if (node.kind === 'leaf') {
        // Most leaves declare no permissions, and narrow() would return what they inherit: no closures for them.
        const declared = node.spec.permissions;
        const own = declared === UNDECLARED_PERMISSIONS ? inherited : narrow(context, inherited, declared, () => permissionsPathOf(location), () => `leaf "${node.spec.id}"`, node.spec.id);
        checkLeafMode(context, own, node.spec.mode, node.spec.file_scope, location, node.spec.id);
      } else if (childListsOf(node).length > 0) {
        ceilings.set(node, inherited); // only containers are ever looked up as a parent
      }
    },
  };
}

function permissionsPathOf(location: NodeLocation): DocumentPath {
  return [...location.path, 'spec', 'permissions'];
}

function narrow(
  context: ValidationContext,
  ceiling: DeclaredCeiling,
  permissions: PermissionSpec,
  pathOf: () => DocumentPath,
  ownerOf: () => string,
  nodeId?: string,
): DeclaredCeiling {
  // A node whose document has no permissions object declares none of its fields.
  if (permissions === UNDECLARED_PERMISSIONS) return ceiling;
  let next = ceiling;
  let ownerName: string | undefined;
  const owner = (): string => (ownerName ??= ownerOf());
  const declares = context.declaredFieldsOf(pathOf);
  const report = (field: keyof PermissionSpec, message: string): void =>
    context.report('permission-widening', message, { path: [...pathOf(), field], field: `permissions.${field}`, ...(nodeId ? { nodeId } : {}) });

  for (const [field, key] of FLAG_FIELDS) {
    if (!declares(field, permissions[field] === false)) continue;
    const limit = ceiling[key];
    if (permissions[field] && limit && !limit.value) {
      report(field, `permissions.${field} is true but ${limit.owner} declares it false`);
      continue; // the ancestor's ceiling still holds for this node's descendants
    }
    if (next === ceiling) next = { ...ceiling };
    next[key] = { value: permissions[field], owner: owner() };
  }
  if (declares('allowed_tools', permissions.allowed_tools.length === 0)) {
    const limit = ceiling.allowedTools;
    const extra = limit ? permissions.allowed_tools.filter((tool) => !limit.value.includes(tool)) : [];
    if (limit && extra.length > 0) report('allowed_tools', `permissions.allowed_tools adds ${extra.join(', ')}, not allowed by ${limit.owner}`);
    if (next === ceiling) next = { ...ceiling };
    next.allowedTools = { value: permissions.allowed_tools, owner: owner() };
  }
  if (declares('file_scope', permissions.file_scope.length === 0)) {
    const uncovered = uncoveredGlobs(permissions.file_scope, ceiling.fileScope?.value);
    if (ceiling.fileScope && uncovered.length > 0) {
      report('file_scope', `permissions.file_scope ${uncovered.join(', ')} reaches outside ${ceiling.fileScope.owner}'s file_scope`);
    }
    if (next === ceiling) next = { ...ceiling };
    next.fileScope = { value: permissions.file_scope, owner: owner() };
  }
  return next;
}

/** A leaf's mode and working file_scope are declarations too, held to the same ceiling. */
function checkLeafMode(
  context: ValidationContext,
  ceiling: DeclaredCeiling,
  mode: string,
  fileScope: readonly string[],
  location: NodeLocation,
  nodeId: string,
): void {
  if (mode === 'read_write' && ceiling.allowWrite && !ceiling.allowWrite.value) {
    context.report('permission-widening', `mode is read_write but ${ceiling.allowWrite.owner} declares allow_write false`, {
      path: [...location.path, 'spec', 'mode'],
      nodeId,
      field: 'mode',
    });
  }
  if (!ceiling.fileScope || fileScope.length === 0) return; // nothing to hold, or nothing declared
  const uncovered = uncoveredGlobs(fileScope, ceiling.fileScope.value);
  if (uncovered.length > 0) {
    context.report('permission-widening', `file_scope ${uncovered.join(', ')} reaches outside ${ceiling.fileScope.owner}'s file_scope`, {
      path: [...location.path, 'spec', 'file_scope'],
      nodeId,
      field: 'file_scope',
    });
  }
}

function uncoveredGlobs(globs: readonly string[], ceiling: readonly string[] | undefined): string[] {
  if (!ceiling || ceiling.length === 0) return [];
  return globs.filter((glob) => !ceiling.some((outer) => globCovers(outer, glob)));
}
