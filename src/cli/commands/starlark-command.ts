import { Command, Option } from 'commander';
import type { CliContext } from '../cli-context.js';
// Not options/index.js, which loads the engine: this command needs only the interpreter.
import { positiveInteger } from '../options/number-arguments.js';
import { runStarlarkFile, type StarlarkOptions } from './run-starlark-file.js';

/**
 * `whaleflow starlark FILE`: runs a plain Starlark program (no workflow builtins). `print`
 * goes to stdout; any error is one `file:line:col: message` line on stderr and exit status 1.
 */
export function starlarkCommand(context: CliContext): Command {
  return new Command('starlark')
    .description('Run a Starlark program: print() writes to stdout, errors print as file:line:col: message (exit 1)')
    .argument('<file>', 'the .star file to execute')
    .addOption(new Option('--max-steps <n>', 'step budget (statements, loop iterations and calls) before the run is stopped').argParser(positiveInteger))
    .addOption(
      new Option('--max-value-length <n>', 'the largest len() a string, bytes, list, tuple, dict or set may reach (default 4194304)').argParser(positiveInteger),
    )
    .option('--traceback', 'after a runtime error, also print the Starlark call stack')
    .addHelpText(
      'after',
      '\nExample:\n  $ echo \'print([x * x for x in range(4)])\' > squares.star\n  $ whaleflow starlark squares.star\n  [0, 1, 4, 9]\n\nExit status: 0 success, 1 any error (including a missing file), 2 usage error.',
    )
    .action((file: string, options: StarlarkOptions) => runStarlarkFile(context, file, options));
}
