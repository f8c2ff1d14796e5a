import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userConfigDirectory } from '../config/index.js';
import { projectTracePath, TRACE_DIRECTORY_NAME } from '../trace/index.js';

/**
 * Where WhaleFlow keeps its own state for a run started in `cwd`, as absolute real paths: the
 * trace's directory (`.whaleflow/` found upward from cwd, or `$WHALEFLOW_HOME`), the
 * configuration file named by `WHALEFLOW_CONFIG`, and the user's configuration directory.
 * Leaves must never reach any of them (docs/security.md). A state directory that holds the
 * project itself (WHALEFLOW_HOME pointing at the tree) is protected file by file instead, so
 * the tree stays usable.
 */
export function protectedStatePaths(cwd: string, env: NodeJS.ProcessEnv): string[] {
  const databasePath = projectTracePath({ cwd, env });
  const stateDirectory = dirname(databasePath);
  const paths = [userConfigDirectory(env), join(resolve(cwd), TRACE_DIRECTORY_NAME)];
  if (env.WHALEFLOW_CONFIG) paths.push(resolve(cwd, env.WHALEFLOW_CONFIG));
  if (isAncestorOrSelf(realOrResolved(stateDirectory), realOrResolved(cwd))) {
    paths.push(databasePath, `${databasePath}-wal`, `${databasePath}-shm`, `${databasePath}-journal`, join(stateDirectory, 'logs'));
  } else {
    paths.push(stateDirectory);
  }
  return [...new Set(paths.map(realOrResolved))];
}

function realOrResolved(path: string): string {
  try {
    return existsSync(path) ? realpathSync(path) : resolve(path);
  } catch {
    return resolve(path);
  }
}

function isAncestorOrSelf(ancestor: string, path: string): boolean {
  return path === ancestor || path.startsWith(ancestor.endsWith('/') ? ancestor : `${ancestor}/`);
}
