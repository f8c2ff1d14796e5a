import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const TRACE_DIRECTORY_NAME = '.whaleflow';
export const TRACE_DATABASE_NAME = 'whaleflow.db';

export interface TraceLocationOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** An explicit database file (`--db`), which wins over everything else. */
  readonly databasePath?: string;
}

/**
 * Where the project's trace database lives, first match wins: `--db FILE`;
 * `$WHALEFLOW_HOME/whaleflow.db`; the nearest `.whaleflow/` from cwd upward; `cwd/.whaleflow/`.
 */
export function projectTracePath(options: TraceLocationOptions): string {
  if (options.databasePath) return resolve(options.cwd, options.databasePath);
  const home = options.env?.WHALEFLOW_HOME;
  if (home) return join(resolve(options.cwd, home), TRACE_DATABASE_NAME);
  let directory = resolve(options.cwd);
  for (;;) {
    if (existsSync(join(directory, TRACE_DIRECTORY_NAME))) return join(directory, TRACE_DIRECTORY_NAME, TRACE_DATABASE_NAME);
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  return join(resolve(options.cwd), TRACE_DIRECTORY_NAME, TRACE_DATABASE_NAME);
}
