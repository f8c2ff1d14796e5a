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
}

export function processCliContext(): CliContext {
  exitQuietlyOnBrokenPipe(); // `whaleflow ps | head -1` must not crash once head has gone
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTty: Boolean(process.stdout.isTTY),
    exitCode: 0,
  };
}
