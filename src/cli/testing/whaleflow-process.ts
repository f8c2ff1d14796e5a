// The CLI as a real child process, from the TypeScript sources (no build needed): for tests
// that check what a user's terminal, pipe or log file receives byte for byte.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const cliEntry = fileURLToPath(new URL('../../runs/testing/cli-entry.ts', import.meta.url));
/** Absolute, so a child whose cwd is a temporary project still finds tsx. */
export const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** The project's tsconfig, so tsx compiles the TUI's JSX the way the build does whatever the child's cwd. */
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

/** `node --import tsx cli-entry.ts` plus arguments, and the environment tsx needs: a `whaleflow` command line for spawn. */
export function whaleflowCommand(args: readonly string[]): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: ['--import', tsxLoader, cliEntry, ...args], env: { TSX_TSCONFIG_PATH: tsconfig } };
}

export interface ProcessOutcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `whaleflow ARGS` in `cwd` and waits for it; the project trace is the cwd's unless env says otherwise. */
export function runWhaleflowProcess(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): ProcessOutcome {
  const { command, args: argv, env } = whaleflowCommand(args);
  const result = spawnSync(command, argv, {
    cwd: options.cwd,
    env: { ...process.env, WHALEFLOW_HOME: '', ...env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Like runWhaleflowProcess, without blocking this process: needed when the test itself serves
 * the child (a loopback model server in the test process cannot answer while spawnSync waits).
 */
export function runWhaleflowAsync(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; onStart?: (child: ChildProcess) => void }): Promise<ProcessOutcome> {
  const { command, args: argv, env } = whaleflowCommand(args);
  const child = spawn(command, argv, { cwd: options.cwd, env: { ...process.env, WHALEFLOW_HOME: '', ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  options.onStart?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
