import { exitQuietlyOnBrokenPipe } from './exit-on-broken-pipe.js';

/**
 * What a command may touch of the outside world. Commands write through these functions
 * (never process.stdout directly) so tests can run the CLI in-process and read its output.
 */
export interface CliContext {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is an interactive terminal (live progress, colours). */
  readonly isTty: boolean;
  /** Set by a command to report its outcome; `main` returns it. */
  exitCode: number;
  /**
   * When stdout holds more than it should (a pipe whose reader is slower than this process), a
   * promise that resolves once it has drained; undefined when writing on is fine. A command that
   * prints megabytes waits on it between pieces instead of queueing them all in the stream.
   */
  readonly stdoutDrained?: () => Promise<void> | undefined;
}

/**
 * The process's own streams, touched only when a command uses them: Node builds
 * process.stdout and process.stderr on first access, which costs about as much CPU as running
 * an empty Starlark program, and a command that prints nothing (a silent check, an empty
 * program) need not pay it.
 */
export function processCliContext(): CliContext {
  // `whaleflow ps | head -1` must not crash once head has gone: installed before the first write.
  const stdout = () => {
    exitQuietlyOnBrokenPipe();
    return process.stdout;
  };
  return {
    stdout: (text) => stdout().write(text),
    stderr: (text) => {
      exitQuietlyOnBrokenPipe();
      process.stderr.write(text);
    },
    cwd: process.cwd(),
    env: process.env,
    get isTty() {
      return Boolean(stdout().isTTY);
    },
    exitCode: 0,
    stdoutDrained: () => (process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', resolve)) : undefined),
  };
}
