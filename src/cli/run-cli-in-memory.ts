import { main } from './main.js';
import type { CliContext } from './cli-context.js';

export interface CapturedRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output; for tests and embedding. */
export async function runCliInMemory(
  argv: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; isTty?: boolean } = {},
): Promise<CapturedRun> {
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
  const exitCode = await main(argv, context);
  return { exitCode, stdout, stderr };
}
