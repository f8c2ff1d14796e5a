import { existsSync, lstatSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { runGit } from './run-git.js';
import { WorkspaceError } from './workspace-errors.js';

/** A diff a worktree starts from: the recorded change of a leaf the new leaf depends on. */
export interface BaseDiff {
  readonly leafId: string;
  readonly diff: string;
}

/**
 * Links each configured ignored folder of the user's tree (`worktrees.link`, default
 * `node_modules`) into a fresh worktree as a symlink, so a test command there finds the
 * dependencies the checkout from HEAD lacks, without copying or downloading them.
 *
 * Only a path that exists in the user's tree, is not already in the checkout and that git
 * ignores is linked: a tracked folder is never shadowed, and nothing the repository records is
 * replaced. Inside the command sandbox the user's tree is mounted read-only, so the link is a
 * read-only view of what the root file system already shows the command (it grants nothing
 * new); under `--no-sandbox` it is an ordinary symlink. Returns the paths linked (repository-
 * relative), which the diff capture leaves out.
 */
export async function linkIgnoredFolders(repositoryRoot: string, worktreePath: string, links: readonly string[]): Promise<string[]> {
  const linked: string[] = [];
  for (const link of links) {
    const relativePath = safeRelativePath(link);
    if (relativePath === undefined) continue;
    const source = join(repositoryRoot, relativePath);
    const target = join(worktreePath, relativePath);
    if (!existsSync(source) || pathExists(target) || !(await isIgnored(repositoryRoot, relativePath))) continue;
    await symlink(source, target);
    linked.push(relativePath);
  }
  return linked;
}

/**
 * Applies the diffs of the leaves this one depends on, in order, to its fresh worktree: a test
 * leaf that depends on a writer tests the writer's change, not HEAD. A diff that does not apply
 * fails the leaf with git's reason (nothing is half-applied: `git apply` is atomic per diff).
 */
export async function applyBaseDiffs(worktreePath: string, diffs: readonly BaseDiff[]): Promise<void> {
  for (const { leafId, diff } of diffs) {
    if (diff.trim() === '') continue;
    try {
      await runGit(worktreePath, ['apply', '--binary', '--whitespace=nowarn', '-'], { input: diff });
    } catch (error) {
      const reason = error instanceof WorkspaceError ? error.stderr.trim() : String(error);
      throw new WorkspaceError(`the worktree cannot start from the change of "${leafId}" (its diff does not apply to HEAD)`, reason, { cause: error });
    }
  }
}

/** A configured link is a plain relative path inside the repository; anything else is skipped. */
function safeRelativePath(link: string): string | undefined {
  const cleaned = normalize(link.trim()).replace(/[\\/]+$/, '');
  if (cleaned === '' || cleaned === '.' || isAbsolute(cleaned) || cleaned.split(sep).includes('..')) return undefined;
  if (cleaned.split(sep).some((segment) => segment === '.git' || segment === '.whaleflow')) return undefined;
  return cleaned;
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function isIgnored(repositoryRoot: string, relativePath: string): Promise<boolean> {
  try {
    await runGit(repositoryRoot, ['check-ignore', '--quiet', relativePath]);
    return true;
  } catch {
    return false; // exit 1: not ignored
  }
}
