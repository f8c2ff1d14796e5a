import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The CLI from the TypeScript sources, for tests that need real `whaleflow` child processes without a build. */
export const cliEntry = fileURLToPath(new URL('../../runs/testing/cli-entry.ts', import.meta.url));
/** Absolute, so a child whose cwd is a temp project finds tsx. */
export const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** A real `whaleflow …` child process from sources, with its output collected. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: readonly string[], options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }): CliProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, ...args], { cwd: options.cwd, env: { ...process.env, WHALEFLOW_HOME: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** A `whaleflow worker` process, resolved once it says it is ready (with its worker id). */
export interface WorkerProcess extends CliProcess {
  readonly workerId: string;
  readonly pid: number;
}

export async function startWorkerProcess(options: { readonly url: string; readonly cwd: string; readonly args?: readonly string[]; readonly env?: NodeJS.ProcessEnv }): Promise<WorkerProcess> {
  const started = spawnCli(['worker', '--queue', options.url, '--stall-timeout', '4', ...(options.args ?? [])], { cwd: options.cwd, ...(options.env ? { env: options.env } : {}) });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ready = /worker (\S+) ready on/.exec(started.output());
    if (ready?.[1]) return { ...started, workerId: ready[1], pid: started.child.pid ?? 0 };
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  started.child.kill('SIGKILL');
  throw new Error(`the worker did not start: ${started.output()}`);
}

/** Stops workers the way a user would (SIGTERM: finish running leaves), then kills what is left. */
export async function stopWorkers(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
      worker.child.kill('SIGTERM');
      const timer = setTimeout(() => worker.child.kill('SIGKILL'), 10_000);
      await worker.exited;
      clearTimeout(timer);
    }),
  );
}
