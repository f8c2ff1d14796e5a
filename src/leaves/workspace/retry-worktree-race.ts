import { WorkspaceError } from './workspace-errors.js';

/**
 * What git says when another git process is registering or removing a worktree of the same
 * repository at that moment: it lists `.git/worktrees` and reads an entry that is half written
 * (or half gone), or finds a lock file another holds. Within one process WhaleFlow serializes
 * this bookkeeping (repository-queue.ts); two runs of one repository at once (a background run
 * and another) still meet here.
 */
const RACE = /failed to read .*[\\/]worktrees[\\/][^\n]*[\\/](commondir|gitdir)|Unable to create '[^']*\.lock': File exists|is not a valid path|could not lock/i;

const ATTEMPTS = 5;

export function isWorktreeRace(error: unknown): boolean {
  return error instanceof WorkspaceError && RACE.test(error.stderr);
}

/** Runs `task` again (up to five times in all, after 20, 40, 80, 160 ms) while it fails with a worktree race. */
export async function retryWorktreeRace<T>(task: () => Promise<T>, sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isWorktreeRace(error)) throw error;
      await sleep(10 * 2 ** attempt);
    }
  }
}
