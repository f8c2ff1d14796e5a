import { main } from './main.js';
import type { CliContext } from './cli-context.js';

export interface CapturedRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface InMemoryOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly isTty?: boolean;
}

/** A context whose output is kept in memory; `finish(exitCode)` returns what was written. */
export function capturingContext(options: InMemoryOptions = {}): { context: CliContext; finish: (exitCode: number) => CapturedRun } {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    isTty: options.isTty ?? false,
    exitCode: 0,
  };
  return { context, finish: (exitCode) => ({ exitCode, stdout, stderr }) };
}

/** Runs the CLI in-process with captured output; for tests and embedding. */
export async function runCliInMemory(argv: readonly string[], options: InMemoryOptions = {}): Promise<CapturedRun> {
  const { context, finish } = capturingContext(options);
  return finish(await main(argv, context));
}
