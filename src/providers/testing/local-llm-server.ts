// A real OpenAI-compatible model server for tests: llama.cpp's llama-server with the tiny
// deterministic tool-calling model of ../shared/tools/local-llm (its README says what it
// proves). Each server gets a free loopback port and its own prefix directory, so test files
// can run in parallel and a server started with LLAMA_SERVER_ARGS does not share state with
// another. Servers left running when the test process exits are killed with it.
//
//   const localLlm = locateShared('tools/local-llm');
//   describe.skipIf(!localLlm.available)('…', () => {
//     let server: LocalLlmServer;
//     beforeAll(async () => { server = await startLocalLlm(localLlm.path); });
//     afterAll(() => server.stop());
//     …  base URL: server.baseUrl (…/v1), model: server.model ('tiny-agent')
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalLlmOptions {
  /** Extra llama-server flags, e.g. `-n 20` to cut every answer at 20 tokens. */
  readonly serverArgs?: string;
  /** The port; default a free one on 127.0.0.1. */
  readonly port?: number;
  /** The directory for the unpacked server and the model; default a fresh temporary one, removed by stop(). */
  readonly prefix?: string;
  /** Extra environment for the start script (TINY_AGENT_SUMMARY, TINY_AGENT_ANSWER). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LocalLlmServer {
  /** `http://127.0.0.1:PORT/v1`, what an OpenAI-compatible route's `base_url` takes. */
  readonly baseUrl: string;
  readonly port: number;
  /** The model name the server answers to. */
  readonly model: string;
  readonly pid: number;
  /** The server's own log (requests, errors). */
  readonly logPath: string;
  /** Whether the server process is still alive. */
  isRunning(): boolean;
  /** Kills the server at once (SIGKILL), as a crash would; the prefix is kept for a restart. */
  kill(): void;
  /** Starts it again on the same port and prefix, after kill() or stop(keepPrefix). */
  restart(): Promise<void>;
  /** Stops the server and removes a temporary prefix; safe to call twice. */
  stop(options?: { readonly keepPrefix?: boolean }): Promise<void>;
}

/** The model file the start script generates by default (its base name is the served alias). */
export const LOCAL_LLM_MODEL = 'tiny-agent';

const running = new Set<number>();
let exitHookInstalled = false;

/**
 * Starts `start-local-llm.sh` from `directory` (the path locateShared('tools/local-llm')
 * returned) and resolves once the server answers on its health endpoint.
 */
export async function startLocalLlm(directory: string, options: LocalLlmOptions = {}): Promise<LocalLlmServer> {
  installExitHook();
  const ownsPrefix = options.prefix === undefined;
  const prefix = options.prefix ?? mkdtempSync(join(tmpdir(), 'whaleflow-local-llm-'));
  const port = options.port ?? (await freeLoopbackPort());
  let pid = await runStartScript(directory, port, prefix, options);
  let stopped = false;
  const server: LocalLlmServer = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    model: LOCAL_LLM_MODEL,
    get pid() {
      return pid;
    },
    logPath: join(prefix, `server-${port}.log`),
    isRunning: () => isAlive(pid),
    kill: () => {
      killProcess(pid);
    },
    restart: async () => {
      killProcess(pid);
      await waitForExit(pid);
      pid = await runStartScript(directory, port, prefix, options);
      stopped = false;
    },
    stop: async (stopOptions = {}) => {
      killProcess(pid);
      await waitForExit(pid);
      if (!stopped && ownsPrefix && !stopOptions.keepPrefix) rmSync(prefix, { recursive: true, force: true });
      stopped = true;
    },
  };
  return server;
}

async function runStartScript(directory: string, port: number, prefix: string, options: LocalLlmOptions): Promise<number> {
  const script = join(directory, 'start-local-llm.sh');
  const env = { ...process.env, ...options.env, LOCAL_LLM_PREFIX: prefix, LLAMA_SERVER_ARGS: options.serverArgs ?? '' };
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('bash', [script, String(port)], { env, timeout: 120_000 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`${script} ${port} failed: ${error.message}\n${stderr}`));
        else resolve();
      });
    });
  } catch (error) {
    // The script backgrounds the server before waiting for it: never leave one behind.
    const pid = readPid(prefix, port);
    if (pid !== undefined) killProcess(pid);
    throw error;
  }
  const pid = readPid(prefix, port);
  if (pid === undefined) throw new Error(`${script} did not write ${join(prefix, `server-${port}.pid`)}`);
  running.add(pid);
  return pid;
}

function readPid(prefix: string, port: number): number | undefined {
  try {
    const pid = Number(readFileSync(join(prefix, `server-${port}.pid`), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A port the kernel just handed out on 127.0.0.1 (closed again for the server to take). */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killProcess(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  running.delete(pid);
}

async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** The server is not this process's child (the script backgrounds it): kill it when we go. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of running) killProcess(pid);
  });
}

/**
 * A fresh git repository made from the local-llm `example/` (a README, a source file, the two
 * workflows and a configuration routing every role to the server), its configuration pointed at
 * `server`. Run it with `LOCAL_LLM_KEY` set to anything: `whaleflow run explore.yaml --provider config`.
 */
export function localLlmExampleProject(directory: string, server: Pick<LocalLlmServer, 'baseUrl'>): string {
  const project = mkdtempSync(join(tmpdir(), 'whaleflow-local-llm-example-'));
  cpSync(join(directory, 'example'), project, { recursive: true });
  makeWritable(project); // ../shared is read-only; the copies keep its modes
  const configPath = join(project, 'whaleflow.config.yaml');
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace(/base_url: http:\/\/127\.0\.0\.1:\d+\/v1/, `base_url: ${server.baseUrl}`));
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: project, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=test@whaleflow.invalid', '-c', 'user.name=WhaleFlow test', 'commit', '-qm', 'example');
  return project;
}

function makeWritable(path: string): void {
  const stats = statSync(path);
  chmodSync(path, stats.mode | 0o200);
  if (stats.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}
