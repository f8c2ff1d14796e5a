import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runGit } from '../leaves/workspace/index.js';
import { QueueConfigurationError } from './queue-errors.js';

/** The commit a run starts from: its leaves, wherever they run, see this state of the repository. */
export async function headCommit(cwd: string): Promise<string> {
  try {
    return (await runGit(cwd, ['rev-parse', 'HEAD'])).stdout.trim();
  } catch (error) {
    throw new QueueConfigurationError(`real leaves on queue workers need a git repository with a commit; "${cwd}" has none`, { cause: error });
  }
}

/** Where a worker keeps its detached checkout of one commit, inside its repository's .whaleflow/. */
export const CHECKOUTS_DIRECTORY = join('.whaleflow', 'checkouts');

/**
 * A detached checkout of `commit` in the worker's clone (`--repo`), made once and reused by
 * every leaf of every run at that commit: shared leaves read it, worktree leaves branch from
 * it. A commit the clone does not have is an error naming what to do, never a silent run on
 * another state of the code.
 */
export async function checkoutCommit(repository: string, commit: string): Promise<string> {
  try {
    await runGit(repository, ['cat-file', '-e', `${commit}^{commit}`]);
  } catch (error) {
    throw new QueueConfigurationError(`commit ${commit.slice(0, 12)} is not in ${repository}; fetch it there, or start the worker with --repo pointing at a clone that has it`, { cause: error });
  }
  const path = join(repository, CHECKOUTS_DIRECTORY, commit);
  if (!(await isCheckoutOf(path, commit))) {
    try {
      await runGit(repository, ['worktree', 'add', '--detach', path, commit]);
    } catch (error) {
      // Another worker on the same clone may have made it a moment ago.
      if (!(await isCheckoutOf(path, commit))) throw error;
    }
  }
  return path;
}

async function isCheckoutOf(path: string, commit: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    return (await runGit(path, ['rev-parse', 'HEAD'])).stdout.trim() === commit;
  } catch {
    return false;
  }
}
