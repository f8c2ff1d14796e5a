import type { NodeRule, ValidationContext } from './validation-context.js';

/**
 * Two writers running at once in one working tree would trample each other: a read_write leaf
 * under a parallel branch must say where it writes (file_scope) or run in its own worktree.
 */
export function checkParallelWriters(context: ValidationContext): NodeRule {
  return {
    skipsPlainLeaves: true,
    visit(location) {
      const { node, ancestors } = location; // not `path`: it is built only for a diagnostic
      if (node.kind !== 'leaf' || node.spec.mode !== 'read_write') return;
      if (node.spec.isolation === 'worktree' || node.spec.file_scope.length > 0) return;
      const parallelBranch = ancestors.find((ancestor) => ancestor.kind === 'branch_set' && ancestor.spec.parallel);
      if (!parallelBranch) return;
      context.report(
        'unscoped-parallel-writer',
        `read_write leaf in parallel branch "${parallelBranch.spec.id}" needs a non-empty file_scope or isolation "worktree"`,
        { path: [...location.path, 'spec', 'mode'], nodeId: node.spec.id, field: 'mode' },
      );
    },
  };
}
