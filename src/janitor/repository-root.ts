import { gitTopLevel } from '../leaves/index.js';

/** The repository's top level, or null outside one (worktrees and path-scoped lessons are then skipped). */
export async function repositoryRootOf(cwd: string): Promise<string | null> {
  try {
    return await gitTopLevel(cwd);
  } catch {
    return null;
  }
}
