import { runGit } from './run-git.js';

/**
 * Everything changed in a worktree since `baseCommit`, new files included: untracked files are
 * marked intent-to-add first (respecting .gitignore), so `git diff` shows them as created.
 * Diffing against the base commit, not HEAD, also catches changes a leaf committed itself.
 * The intent-to-add marks touch only the worktree's own index, never the user's.
 */
export async function captureDiff(worktreePath: string, baseCommit: string, excluded: readonly string[] = []): Promise<string> {
  // Linked dependency folders (worktrees.link) are WhaleFlow's scaffolding, never the leaf's change.
  const pathspec = excluded.length === 0 ? [] : ['--', '.', ...excluded.map((path) => `:(exclude,top,literal)${path}`)];
  await runGit(worktreePath, ['add', '--intent-to-add', '--all', ...pathspec]);
  const { stdout } = await runGit(worktreePath, ['diff', '--binary', '--no-color', '--no-ext-diff', baseCommit, ...pathspec]);
  return stdout;
}
