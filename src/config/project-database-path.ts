import { join, resolve } from 'node:path';

/**
 * The project database: `.whaleflow/whaleflow.db` under the project root, or under
 * `WHALEFLOW_HOME` when that is set (it replaces the `.whaleflow` directory).
 */
export function projectDatabasePath(cwd: string, env: NodeJS.ProcessEnv): string {
  const home = env.WHALEFLOW_HOME ? resolve(cwd, env.WHALEFLOW_HOME) : join(cwd, '.whaleflow');
  return join(home, 'whaleflow.db');
}
