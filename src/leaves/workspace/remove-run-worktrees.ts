import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { safeSegment, WORKTREES_DIRECTORY } from './git-worktree.js';
import { inRepositoryQueue } from './repository-queue.js';
import { gitTopLevel, runGit } from './run-git.js';
import { subdirectories } from '../../util/index.js';

/**
 * Removes the git worktrees runs left behind (a run killed with -9 never closes its leaves'
 * worktrees): each `.whaleflow/worktrees/<run>/<leaf>` directory through `git worktree remove
 * --force` (so its registration goes too; from disk when git no longer knows it), then `git
 * worktree prune`, and the run directory once empty. Saved diffs of stopped writers are files
 * and stay. Only for runs known to be over (resume holds the chain's lock). Returns the paths
 * removed; a directory that is not a git repository has none.
 */
export async function removeRunWorktrees(cwd: string, runIds: readonly string[]): Promise<string[]> {
  let repositoryRoot: string;
  try {
    repositoryRoot = await gitTopLevel(cwd);
  } catch {
    return [];
  }
  const removed: string[] = [];
  await inRepositoryQueue(repositoryRoot, async () => {
    for (const runId of runIds) {
      const runDirectory = join(repositoryRoot, WORKTREES_DIRECTORY, safeSegment(runId));
      for (const leaf of subdirectories(runDirectory)) {
        const path = join(runDirectory, leaf);
        await runGit(repositoryRoot, ['worktree', 'remove', '--force', path]).catch(() => rmSync(path, { recursive: true, force: true }));
        removed.push(path);
      }
      try {
        if (readdirSync(runDirectory).length === 0) rmdirSync(runDirectory);
      } catch {
        // Gone already, or it keeps saved diffs.
      }
    }
    if (removed.length > 0) await runGit(repositoryRoot, ['worktree', 'prune']).catch(() => undefined);
  });
  return removed;
}
