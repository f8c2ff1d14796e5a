import { globCovers } from '../../util/index.js';
import type { PermissionSpec } from '../schema/permission-spec.js';
import type { DocumentPath } from '../source-map.js';
import type { ValidationContext } from './validation-context.js';

/** What an ancestor explicitly declared, and where. */
interface DeclaredCeiling {
  allowWrite?: { value: boolean; owner: string };
  allowNetwork?: { value: boolean; owner: string };
  allowedTools?: { value: readonly string[]; owner: string };
  fileScope?: { value: readonly string[]; owner: string };
}

const WORKFLOW = 'the workflow';

/**
 * Permissions only narrow: a node may not explicitly declare more than an ancestor explicitly
 * declared. A field left at its default declares nothing and inherits.
 */
export function checkPermissionNarrowing(context: ValidationContext): void {
  const ceilings = new Map<unknown, DeclaredCeiling>();
  const root = narrow(context, {}, context.spec.permissions, ['permissions'], WORKFLOW);
  for (const { node, path, ancestors } of context.locations) {
    const parent = ancestors.at(-1);
    const inherited = (parent && ceilings.get(parent)) || root;
    if (node.kind === 'branch_set') {
      ceilings.set(node, narrow(context, inherited, node.spec.permissions, [...path, 'spec', 'permissions'], `branch "${node.spec.id}"`, node.spec.id));
    } else if (node.kind === 'leaf') {
      const own = narrow(context, inherited, node.spec.permissions, [...path, 'spec', 'permissions'], `leaf "${node.spec.id}"`, node.spec.id);
      checkLeafMode(context, own, node.spec.mode, node.spec.file_scope, path, node.spec.id);
    } else {
      ceilings.set(node, inherited);
    }
  }
}

function narrow(
  context: ValidationContext,
  ceiling: DeclaredCeiling,
  permissions: PermissionSpec,
  path: DocumentPath,
  owner: string,
  nodeId?: string,
): DeclaredCeiling {
  const next: DeclaredCeiling = { ...ceiling };
  const report = (field: keyof PermissionSpec, message: string): void =>
    context.report('permission-widening', message, { path: [...path, field], field: `permissions.${field}`, ...(nodeId ? { nodeId } : {}) });

  for (const [field, key] of [
    ['allow_write', 'allowWrite'],
    ['allow_network', 'allowNetwork'],
  ] as const) {
    if (!context.declares([...path, field], permissions[field] === false)) continue;
    const limit = ceiling[key];
    if (permissions[field] && limit && !limit.value) {
      report(field, `permissions.${field} is true but ${limit.owner} declares it false`);
      continue; // the ancestor's ceiling still holds for this node's descendants
    }
    next[key] = { value: permissions[field], owner };
  }
  if (context.declares([...path, 'allowed_tools'], permissions.allowed_tools.length === 0)) {
    const limit = ceiling.allowedTools;
    const extra = limit ? permissions.allowed_tools.filter((tool) => !limit.value.includes(tool)) : [];
    if (limit && extra.length > 0) report('allowed_tools', `permissions.allowed_tools adds ${extra.join(', ')}, not allowed by ${limit.owner}`);
    next.allowedTools = { value: permissions.allowed_tools, owner };
  }
  if (context.declares([...path, 'file_scope'], permissions.file_scope.length === 0)) {
    const uncovered = uncoveredGlobs(permissions.file_scope, ceiling.fileScope?.value);
    if (ceiling.fileScope && uncovered.length > 0) {
      report('file_scope', `permissions.file_scope ${uncovered.join(', ')} reaches outside ${ceiling.fileScope.owner}'s file_scope`);
    }
    next.fileScope = { value: permissions.file_scope, owner };
  }
  return next;
}

/** A leaf's mode and working file_scope are declarations too, held to the same ceiling. */
function checkLeafMode(
  context: ValidationContext,
  ceiling: DeclaredCeiling,
  mode: string,
  fileScope: readonly string[],
  path: DocumentPath,
  nodeId: string,
): void {
  if (mode === 'read_write' && ceiling.allowWrite && !ceiling.allowWrite.value) {
    context.report('permission-widening', `mode is read_write but ${ceiling.allowWrite.owner} declares allow_write false`, {
      path: [...path, 'spec', 'mode'],
      nodeId,
      field: 'mode',
    });
  }
  const uncovered = uncoveredGlobs(fileScope, ceiling.fileScope?.value);
  if (ceiling.fileScope && uncovered.length > 0) {
    context.report('permission-widening', `file_scope ${uncovered.join(', ')} reaches outside ${ceiling.fileScope.owner}'s file_scope`, {
      path: [...path, 'spec', 'file_scope'],
      nodeId,
      field: 'file_scope',
    });
  }
}

function uncoveredGlobs(globs: readonly string[], ceiling: readonly string[] | undefined): string[] {
  if (!ceiling || ceiling.length === 0) return [];
  return globs.filter((glob) => !ceiling.some((outer) => globCovers(outer, glob)));
}
