import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository a memory context belongs to: the real path of the nearest directory above
 * `cwd` that holds `.git` (a worktree's `.git` file counts), else `cwd` itself. Contexts are
 * keyed by it, so a database shared through WHALEFLOW_HOME never hands one repository's
 * contexts to another.
 */
export function repositoryIdentity(cwd: string): string {
  const start = realpathOrSelf(resolve(cwd));
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, '.git'))) return directory;
    if (dirname(directory) === directory) return start;
  }
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
