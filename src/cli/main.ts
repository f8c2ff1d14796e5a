import { processCliContext, type CliContext } from './cli-context.js';
import { runCommandLine } from './cli-program.js';
import { commandEntries } from './commands/index.js';

// bin/whaleflow.js takes it beside main() from the module it loads (the bundle's main or dist/cli/main.js).
export { describeInternalError } from './describe-internal-error.js';
export { reportError } from './cli-program.js';

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], context: CliContext = processCliContext()): Promise<number> {
  return await runCommandLine(argv, commandEntries, context);
}
