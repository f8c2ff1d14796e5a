import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { TRACE_DIRECTORY_NAME } from '../trace/index.js';
import { ensureStateDirectory } from '../util/index.js';

/** The hidden run-command option through which the parent hands the child its run id. */
export const RUN_ID_OPTION = '--run-id';

export interface BackgroundRunOptions {
  /** The project directory; the log goes under its `.whaleflow/logs/`. */
  readonly cwd: string;
  /** The run command's arguments without `--background` (e.g. ['workflows/x.yaml', '--provider', 'mock']). */
  readonly runArguments: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** The CLI entry script the child runs (default: this process's, process.argv[1]). */
  readonly entryScript?: string;
  readonly runId?: string;
}

export interface BackgroundRun {
  readonly runId: string;
  readonly pid: number;
  readonly logPath: string;
}

/**
 * Starts `whaleflow run … --run-id ID` in a detached process that outlives the terminal:
 * its own process group (detached), no inherited stdio (stdout and stderr go to
 * `.whaleflow/logs/<run>.log`, stdin is /dev/null), unref'd so the parent exits at once.
 * The parent chooses the run id, so it can print it before the child has written anything.
 */
export function startBackgroundRun(options: BackgroundRunOptions): BackgroundRun {
  const runId = options.runId ?? randomUUID();
  const logDirectory = join(options.cwd, TRACE_DIRECTORY_NAME, 'logs');
  ensureStateDirectory(join(options.cwd, TRACE_DIRECTORY_NAME));
  mkdirSync(logDirectory, { recursive: true });
  const logPath = join(logDirectory, `${runId}.log`);
  const log = openSync(logPath, 'a');
  try {
    const entryScript = options.entryScript ?? process.argv[1];
    if (!entryScript) throw new Error('cannot find the whaleflow entry script to start a background run');
    const child = spawn(process.execPath, [...process.execArgv, entryScript, 'run', ...options.runArguments, RUN_ID_OPTION, runId], {
      cwd: options.cwd,
      env: { ...(options.env ?? process.env), WHALEFLOW_BACKGROUND: '1' },
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start the background run (see ${logPath})`);
    child.unref();
    return { runId, pid: child.pid, logPath };
  } finally {
    closeSync(log);
  }
}

/**
 * The run arguments to hand the child, from the CLI's raw arguments (e.g. commander's
 * `rawArgs`): everything after the `run` command word, without `--background` itself.
 */
export function backgroundRunArguments(rawArgs: readonly string[]): string[] {
  const runAt = rawArgs.indexOf('run');
  return rawArgs.slice(runAt + 1).filter((argument) => argument !== '--background');
}
