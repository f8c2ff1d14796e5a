import type { ValidationContext } from './validation-context.js';

/**
 * Two writers running at once in one working tree would trample each other: a read_write leaf
 * under a parallel branch must say where it writes (file_scope) or run in its own worktree.
 */
export function checkParallelWriters(context: ValidationContext): void {
  for (const location of context.locations) {
    const { node, ancestors } = location; // not `path`: it is built only for a diagnostic
    if (node.kind !== 'leaf' || node.spec.mode !== 'read_write') continue;
    if (node.spec.isolation === 'worktree' || node.spec.file_scope.length > 0) continue;
    const parallelBranch = ancestors.find((ancestor) => ancestor.kind === 'branch_set' && ancestor.spec.parallel);
    if (!parallelBranch) continue;
    context.report(
      'unscoped-parallel-writer',
      `read_write leaf in parallel branch "${parallelBranch.spec.id}" needs a non-empty file_scope or isolation "worktree"`,
      { path: [...location.path, 'spec', 'mode'], nodeId: node.spec.id, field: 'mode' },
    );
  }
}
