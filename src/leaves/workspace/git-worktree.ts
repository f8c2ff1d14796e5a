import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureStateDirectory } from '../../util/index.js';
import { inRepositoryQueue } from './repository-queue.js';
import { retryWorktreeRace } from './retry-worktree-race.js';
import { gitTopLevel, runGit } from './run-git.js';
import { WorkspaceError } from './workspace-errors.js';

/** Where worktrees live, relative to the repository's top level. */
export const WORKTREES_DIRECTORY = join('.whaleflow', 'worktrees');

export interface GitWorktree {
  /** The repository the worktree belongs to (the user's working tree). */
  readonly repositoryRoot: string;
  readonly path: string;
  /** The commit it was checked out at (detached). */
  readonly baseCommit: string;
}

/**
 * Adds a detached worktree at the repository's HEAD under `.whaleflow/worktrees/<run>/<leaf>`.
 * HEAD only: uncommitted changes of the user's working tree are NOT carried over, because
 * copying them would mean reading (and possibly racing) the user's index; the pre-flight and
 * docs say so. The user's branch, index and files are never touched.
 */
export async function addGitWorktree(cwd: string, runId: string, leafId: string): Promise<GitWorktree> {
  const repositoryRoot = await gitTopLevel(cwd);
  const baseCommit = await headCommit(repositoryRoot);
  const runDirectory = join(repositoryRoot, WORKTREES_DIRECTORY, safeSegment(runId));
  return inRepositoryQueue(repositoryRoot, async () => {
    ensureStateDirectory(join(repositoryRoot, '.whaleflow'));
    await mkdir(runDirectory, { recursive: true });
    await ignoreWorktreesDirectory(join(repositoryRoot, WORKTREES_DIRECTORY));
    // A path free at each attempt: a failed attempt may leave its directory behind.
    const path = await retryWorktreeRace(async () => {
      const free = freePath(join(runDirectory, safeSegment(leafId)));
      await runGit(repositoryRoot, ['worktree', 'add', '--detach', '--quiet', free, baseCommit]);
      return free;
    });
    return { repositoryRoot, path, baseCommit };
  });
}

/** Removes the worktree and its registration; the run directory goes too once empty. */
export async function removeGitWorktree(worktree: GitWorktree): Promise<void> {
  await inRepositoryQueue(worktree.repositoryRoot, async () => {
    await retryWorktreeRace(() => runGit(worktree.repositoryRoot, ['worktree', 'remove', '--force', worktree.path]));
    const runDirectory = join(worktree.path, '..');
    if ((await readdir(runDirectory).catch(() => ['?'])).length === 0) await rmdir(runDirectory).catch(() => undefined);
  });
}

async function headCommit(repositoryRoot: string): Promise<string> {
  try {
    return (await runGit(repositoryRoot, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
  } catch (error) {
    throw new WorkspaceError(`the repository at "${repositoryRoot}" has no commit yet (a worktree starts from HEAD)`, '', { cause: error });
  }
}

/** Keeps the worktrees out of the user's `git status`. */
async function ignoreWorktreesDirectory(directory: string): Promise<void> {
  const ignoreFile = join(directory, '.gitignore');
  if (!existsSync(ignoreFile)) await writeFile(ignoreFile, '*\n');
}

/** A retried leaf gets its own directory rather than reusing a half-removed one. */
function freePath(path: string): string {
  let candidate = path;
  for (let attempt = 2; existsSync(candidate); attempt += 1) candidate = `${path}-${attempt}`;
  return candidate;
}

/** Run and leaf ids become one safe path segment each. */
export function safeSegment(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return cleaned.length > 0 ? cleaned : '_';
}

/** One line for a pre-flight that lists worktree leaves: what they start from. */
export const WORKTREE_BASE_NOTICE = 'worktree leaves start from HEAD: uncommitted changes in the working tree are not included';
