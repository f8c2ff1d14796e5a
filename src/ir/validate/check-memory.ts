import { globCovers } from '../../util/index.js';
import { MEMORY_NAME_PATTERN, memoryContextName, type MemorySpec } from '../schema/memory-spec.js';
import type { LeafSpec, NodeSpec } from '../schema/node-spec.js';
import type { NodeLocation } from '../walk-nodes.js';
import type { NodeRule, ValidationContext } from './validation-context.js';

/**
 * Paths no context may be loaded from: WhaleFlow's own state (the project database, worktrees,
 * the configuration) and git's. The loader skips them whatever the globs say; naming them
 * outright is a validation error, so the author learns at once.
 */
const PROTECTED_PREFIXES = ['.whaleflow', '.git'] as const;
const PROTECTED_FILES = ['whaleflow.config.yaml'] as const;

/**
 * External memory: a memory node loads only what it may read (its globs inside its file_scope,
 * never WhaleFlow's or git's state), context names are unique, a leaf's `memory.contexts` name
 * memory nodes, and a leaf reads a context loaded from files only when its own file_scope covers
 * those files. Existence and ordering of the references are the reference rule's.
 */
export function checkMemory(context: ValidationContext): NodeRule {
  const names = new Map<string, string>();
  return {
    skipsPlainLeaves: true,
    visit(location) {
      const { node } = location;
      if (node.kind === 'memory') {
        checkMemoryNode(context, location, node.spec);
        const name = memoryContextName(node.spec);
        const owner = names.get(name);
        if (owner !== undefined) {
          context.report('duplicate-memory-context', `loads context "${name}", which "${owner}" loads too; give one of them another name`, {
            path: [...location.path, 'spec', node.spec.name !== undefined ? 'name' : 'id'],
            nodeId: node.spec.id,
            field: 'name',
          });
        } else {
          names.set(name, node.spec.id);
        }
      } else if (node.kind === 'leaf' && node.spec.memory) {
        checkLeafContexts(context, location, node.spec);
      }
    },
  };
}

function checkMemoryNode(context: ValidationContext, location: NodeLocation, spec: MemorySpec): void {
  const where = (...field: string[]) => ({ path: [...location.path, 'spec', ...field], nodeId: spec.id, field: field.join('.') });
  const { source } = spec;
  if (!MEMORY_NAME_PATTERN.test(spec.id)) {
    context.report('invalid-memory-name', 'a memory node id is the context name leaves use: a letter followed by letters, digits, ".", "_" or "-"', where('id'));
  }
  if (source.command !== undefined && source.command.trim() === '') context.report('blank-command', 'source.command must not be blank', where('source', 'command'));
  const inherited = inheritedFileScope(context, location.ancestors);
  const ownScopeOutside = uncovered(spec.file_scope, inherited.globs);
  if (inherited.globs.length > 0 && ownScopeOutside.length > 0) {
    context.report('permission-widening', `file_scope ${ownScopeOutside.join(', ')} reaches outside ${inherited.owner}'s file_scope`, where('file_scope'));
  }
  if (source.files === undefined) return;
  const scope = spec.file_scope.length > 0 ? { globs: spec.file_scope, owner: `memory node "${spec.id}"` } : inherited;
  source.files.forEach((glob, index) => {
    const problem = unsafeGlob(glob);
    if (problem) {
      context.report('memory-source-refused', `source.files ${JSON.stringify(glob)} ${problem}`, where('source', 'files', String(index)));
    } else if (scope.globs.length > 0 && !scope.globs.some((outer) => globCovers(outer, glob))) {
      context.report(
        'memory-source-refused',
        `source.files ${JSON.stringify(glob)} is outside ${scope.owner}'s file_scope (${scope.globs.join(', ')}); a context can only be loaded from what the node may read`,
        where('source', 'files', String(index)),
      );
    }
  });
}

/** Why a glob may never be loaded, or undefined. */
function unsafeGlob(glob: string): string | undefined {
  if (glob.trim() === '') return 'is blank';
  if (glob.startsWith('/') || /^[A-Za-z]:[\\/]/.test(glob)) return 'is absolute; globs are relative to the workspace root';
  const segments = glob.split(/[\\/]/);
  if (segments.includes('..')) return 'leaves the workspace ("..")';
  const first = segments[0]!;
  if (PROTECTED_PREFIXES.some((prefix) => first === prefix)) return `names ${first}/, WhaleFlow's or git's own state, which is never loadable`;
  if (PROTECTED_FILES.some((file) => segments.at(-1) === file)) return "names WhaleFlow's configuration, which is never loadable";
  return undefined;
}

function checkLeafContexts(context: ValidationContext, location: NodeLocation, leaf: LeafSpec): void {
  const memory = leaf.memory!;
  const scope = leafFileScope(context, location, leaf);
  memory.contexts.forEach((id, index) => {
    const where = { path: [...location.path, 'spec', 'memory', 'contexts', index], nodeId: leaf.id, field: 'memory.contexts' };
    const producer = context.byId.get(id);
    if (!producer) return; // reported by the reference rule
    if (producer.node.kind !== 'memory') {
      context.report('not-a-memory-node', `memory.contexts names "${id}", a ${producer.node.kind}, not a memory node`, where);
      return;
    }
    const files = producer.node.spec.source.files;
    if (!files || scope.globs.length === 0) return;
    const outside = files.filter((glob) => !scope.globs.some((outer) => globCovers(outer, glob)));
    if (outside.length > 0) {
      context.report(
        'memory-source-refused',
        `memory.contexts names "${id}", loaded from ${outside.join(', ')}, outside ${scope.owner}'s file_scope (${scope.globs.join(', ')})`,
        where,
      );
    }
  });
  if (memory.contexts.length !== new Set(memory.contexts).size) {
    context.report('duplicate-reference', 'memory.contexts names a context twice', { path: [...location.path, 'spec', 'memory', 'contexts'], nodeId: leaf.id, field: 'memory.contexts' });
  }
}

interface Scope {
  readonly globs: readonly string[];
  readonly owner: string;
}

/** The nearest file_scope declared above a node: an enclosing branch's permissions, else the workflow's. */
function inheritedFileScope(context: ValidationContext, ancestors: readonly NodeSpec[]): Scope {
  for (let index = ancestors.length - 1; index >= 0; index -= 1) {
    const ancestor = ancestors[index]!;
    if (ancestor.kind === 'branch_set' && ancestor.spec.permissions.file_scope.length > 0) {
      return { globs: ancestor.spec.permissions.file_scope, owner: `branch "${ancestor.spec.id}"` };
    }
  }
  return { globs: context.spec.permissions.file_scope, owner: 'the workflow' };
}

/** A leaf's working scope, as the engine computes it: its file_scope, its permissions', else inherited. */
function leafFileScope(context: ValidationContext, location: NodeLocation, leaf: LeafSpec): Scope {
  if (leaf.file_scope.length > 0) return { globs: leaf.file_scope, owner: `leaf "${leaf.id}"` };
  if (leaf.permissions.file_scope.length > 0) return { globs: leaf.permissions.file_scope, owner: `leaf "${leaf.id}"` };
  return inheritedFileScope(context, location.ancestors);
}

function uncovered(globs: readonly string[], ceiling: readonly string[]): string[] {
  return globs.filter((glob) => !ceiling.some((outer) => globCovers(outer, glob)));
}
