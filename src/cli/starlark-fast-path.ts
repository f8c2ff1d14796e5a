import { processCliContext, type CliContext } from './cli-context.js';
import { runStarlarkFile, type StarlarkOptions } from './commands/run-starlark-file.js';
import { parsePositiveInteger } from './options/plain-numbers.js';
import { redactingContext } from './redacting-context.js';
import { reportFailure } from './report-failure.js';

// bin/whaleflow.js prints a crash through it, as it does with main()'s.
export { describeInternalError } from './describe-internal-error.js';

/**
 * `whaleflow starlark FILE` without the rest of the CLI: bin/whaleflow.js tries this first, from
 * a single script with a V8 code cache (scripts/bundle-cli.mjs), because loading the command
 * line parser, the command table and their modules cost more than running most programs
 * (issue #15 asks for an empty file in 0.1 s). It takes only the plain forms of the command's
 * own arguments — one FILE, `--traceback`, `--max-steps N`, `--max-value-length N` (also
 * `--option=N`), each at most once, with values the command accepts — and returns undefined
 * for anything else (help, a mistake, a value to refuse), which main() then handles, so every
 * message about the command line stays commander's. What runs is the command's own action,
 * behind the same redaction, and an error is reported as main() reports it.
 */
export function starlarkFastPath(argv: readonly string[], context?: CliContext): Promise<number> | undefined {
  const parsed = plainStarlarkArguments(argv);
  if (parsed === undefined) return undefined;
  return runStarlark(parsed, context ?? processCliContext());
}

interface StarlarkArguments {
  readonly file: string;
  readonly options: StarlarkOptions;
}

const VALUE_OPTIONS = { '--max-steps': 'maxSteps', '--max-value-length': 'maxValueLength' } as const;

/** The command's arguments when they are in the plain forms above, or undefined. */
export function plainStarlarkArguments(argv: readonly string[]): StarlarkArguments | undefined {
  if (argv[0] !== 'starlark') return undefined;
  const options: { maxSteps?: number; maxValueLength?: number; traceback?: boolean } = {};
  let file: string | undefined;
  for (let index = 1; index < argv.length; index++) {
    const argument = argv[index]!;
    if (!argument.startsWith('-')) {
      if (file !== undefined) return undefined;
      file = argument;
      continue;
    }
    if (argument === '--traceback') {
      if (options.traceback) return undefined;
      options.traceback = true;
      continue;
    }
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    if (!Object.hasOwn(VALUE_OPTIONS, name)) return undefined;
    const key = VALUE_OPTIONS[name as keyof typeof VALUE_OPTIONS];
    const text = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    const value = text === undefined || text.startsWith('-') ? undefined : parsePositiveInteger(text);
    if (value === undefined || options[key] !== undefined) return undefined;
    options[key] = value;
  }
  return file === undefined ? undefined : { file, options };
}

async function runStarlark({ file, options }: StarlarkArguments, context: CliContext): Promise<number> {
  const redacting = redactingContext(context);
  try {
    runStarlarkFile(redacting, file, options);
    return redacting.exitCode;
  } catch (error) {
    return reportFailure(error, redacting);
  }
}
