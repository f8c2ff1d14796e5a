// Test support: `whaleflow` as a real child process, from the TypeScript sources (no build).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cliEntry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const batchEntry = fileURLToPath(new URL('./cli-batch-entry.ts', import.meta.url));
// Absolute, so a child whose cwd is a temp project finds tsx.
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** The argv that runs the CLI: `[node, --import, tsx, cli-entry.ts]`, to which a command's arguments are appended. */
export function cliArgv(): string[] {
  return [process.execPath, '--import', tsxLoader, cliEntry];
}

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnCliOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Runs the CLI under this prefix (e.g. setpriv, or `bash -c 'ulimit …; exec "$@"'`). */
  readonly prefix?: readonly string[];
}

/** Starts `whaleflow ARGS…`; `finished` resolves with its exit and everything it printed. */
export function startCli(args: readonly string[], options: SpawnCliOptions): { readonly child: ChildProcess; readonly finished: Promise<CliOutcome>; output(): string } {
  const argv = [...(options.prefix ?? []), ...cliArgv(), ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<CliOutcome>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, finished, output: () => `stdout:\n${stdout}\nstderr:\n${stderr}` };
}

/** Runs `whaleflow ARGS…` to the end. */
export function runCli(args: readonly string[], options: SpawnCliOptions): Promise<CliOutcome> {
  return startCli(args, options).finished;
}

/**
 * Runs several commands in one child process (one start-up: tsx makes each start take
 * seconds on a loaded machine); the child is a real process, e.g. under `prefix` as another user.
 */
export async function runCliBatch(commands: readonly (readonly string[])[], options: SpawnCliOptions): Promise<{ exitCode: number; stdout: string; stderr: string }[]> {
  const argv = [...(options.prefix ?? []), process.execPath, '--import', tsxLoader, batchEntry, JSON.stringify(commands)];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`the batch child exited with ${code}: ${stderr}`);
  return JSON.parse(stdout) as { exitCode: number; stdout: string; stderr: string }[];
}
