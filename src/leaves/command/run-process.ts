import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  /** A shell command line, run with /bin/sh -c. */
  readonly command: string;
  /** Run it through this program instead (bwrap): `[program, ...args]`, which must end with the shell and the command. */
  readonly wrapper?: readonly [string, ...string[]];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Stop collecting a stream beyond this many characters (the process keeps running). */
  readonly maxCapturedChars?: number;
}

export interface ProcessOutcome {
  /** The exit code; 124 after a timeout and 130 after a cancel (as `timeout` and Ctrl-C report). */
  readonly exitCode: number;
  /** The signal that ended the process, if one did. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Some output beyond `maxCapturedChars` was dropped. */
  readonly overflowed: boolean;
}

export const TIMEOUT_EXIT_CODE = 124;
export const CANCELLED_EXIT_CODE = 130;
const DEFAULT_MAX_CAPTURED_CHARS = 8 * 1024 * 1024;

/**
 * Runs a command in its own process group, so a timeout or cancel kills everything it started
 * (a test runner's workers included), not just the shell; when the command itself exits, what
 * it left running in its group is killed too (a server it started in the background, say).
 */
/**
 * Process groups of commands still running. When WhaleFlow exits before they end (a second
 * Ctrl-C or SIGTERM, an uncaught error) they are killed on the way out: a leaf's command never
 * outlives the process that started it (with --no-sandbox too, where no bwrap --die-with-parent
 * ties it to us).
 */
const runningGroups = new Set<number>();
let exitHookInstalled = false;

function killRunningGroupsOnExit(): void {
  for (const group of runningGroups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function trackGroup(pid: number | undefined): () => void {
  if (pid === undefined) return () => undefined;
  if (!exitHookInstalled) {
    process.on('exit', killRunningGroupsOnExit);
    exitHookInstalled = true;
  }
  runningGroups.add(pid);
  return () => runningGroups.delete(pid);
}

export function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const maxChars = options.maxCapturedChars ?? DEFAULT_MAX_CAPTURED_CHARS;
  return new Promise((resolve, reject) => {
    const [program, ...args] = options.wrapper ?? ['/bin/sh', '-c', options.command];
    const child = spawn(program, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const untrack = trackGroup(child.pid);
    const output = { stdout: '', stderr: '', overflowed: false };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const room = maxChars - output[stream].length;
      if (room <= 0) output.overflowed = true;
      else output[stream] += chunk.toString('utf8').slice(0, room);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    let cancelled = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, Math.max(0, options.timeoutMs));
    const onAbort = (): void => {
      cancelled = true;
      killGroup();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      untrack();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    // Leftovers of the group would keep the pipes open (and 'close' from coming) until they end.
    child.on('exit', killGroup);
    child.on('close', (code, signal) => {
      untrack();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const exitCode = timedOut ? TIMEOUT_EXIT_CODE : cancelled ? CANCELLED_EXIT_CODE : (code ?? 128);
      resolve({ exitCode, signal, timedOut, cancelled, ...output });
    });
  });
}
