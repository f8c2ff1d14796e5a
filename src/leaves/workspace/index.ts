// Where a leaf works: the user's directory (shared) or its own git worktree, with paths
// confined to it; the worktree's diff is the leaf's artifact and `apply` brings it back.
export { openWorkspace, type Workspace, type WorkspaceOutcome, type OpenWorkspaceOptions } from './workspace.js';
export { addGitWorktree, removeGitWorktree, WORKTREES_DIRECTORY, WORKTREE_BASE_NOTICE, safeSegment, type GitWorktree } from './git-worktree.js';
export { captureDiff } from './capture-diff.js';
export { applyBaseDiffs, linkIgnoredFolders, type BaseDiff } from './prepare-worktree.js';
export { applyDiff, type ApplyDiffOptions, type ApplyDiffOutcome } from './apply-diff.js';
export { resolveWorkspacePath, resolveScopedPath, inFileScope, isInside, isProtectedLocation, toPosix, type WorkspacePath } from './workspace-path.js';
export { walkFiles, SKIPPED_DIRECTORIES, type WalkOptions } from './walk-files.js';
export { gitTopLevel, runGit, type GitResult } from './run-git.js';
export { PathOutsideWorkspaceError, WorkspaceError, DiffDoesNotApplyError, ProtectedPathInDiffError } from './workspace-errors.js';
export { removeRunWorktrees } from './remove-run-worktrees.js';
export { inRepositoryQueue } from './repository-queue.js';
