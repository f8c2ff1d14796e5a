import type { StartedWriterWorker } from '../trace/index.js';
import { processCliContext, type CliContext } from './cli-context.js';
import { runCommandLine } from './cli-program.js';
import type { CommandEntry } from './commands/index.js';
import { runCommand } from './commands/run-command.js';
import { keepYoungGenerationSmall } from './run/keep-young-generation-small.js';
import { handOverTraceWriterThread } from './run/start-trace-writer-thread.js';

// bin/whaleflow.js prints a crash through it, as it does with main()'s.
export { describeInternalError } from './describe-internal-error.js';

const RUN_ONLY: readonly CommandEntry[] = [{ name: 'run', load: async () => runCommand }];

/**
 * `whaleflow run …` from one CommonJS script with a V8 code cache (bin/whaleflow.js, built by
 * scripts/bundle-cli.mjs): Node 20 compiles every ES module at every start, and the ~40 chunks
 * `run` loads cost ~0.15 s of CPU before the workflow is even read. Whatever follows `run` is
 * parsed and answered exactly as main() does — for `run`, main() registers that one command
 * too — so help, usage errors and exit codes stay commander's. Anything else returns undefined
 * (the launcher then loads main()). `startedWriter`: the trace writer's thread, which the launcher
 * started before this script loaded (bin/early-trace-writer.cjs).
 */
export function runFastPath(argv: readonly string[], context?: CliContext, startedWriter?: StartedWriterWorker): Promise<number> | undefined {
  if (argv[0] !== 'run') return undefined;
  if (startedWriter) handOverTraceWriterThread(startedWriter);
  // Before the workflow is read: compiling a wide one would grow the young generation first.
  keepYoungGenerationSmall();
  return runCommandLine(argv, RUN_ONLY, context ?? processCliContext());
}
