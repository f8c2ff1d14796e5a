import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import type { CommandEntry } from './commands/index.js';
import { ExitCode } from './exit-codes.js';
import { redactingContext } from './redacting-context.js';
import { reportFailure } from './report-failure.js';

/**
 * The commands to register: just the one the arguments name, or all of them for top-level
 * help and for an unknown word (so commander can suggest the closest command).
 */
function entriesFor(entries: readonly CommandEntry[], argv: readonly string[]): readonly CommandEntry[] {
  const word = argv.find((argument) => !argument.startsWith('-'));
  if (word === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const named = entries.filter((entry) => entry.name === word || entry.aliases?.includes(word ?? ''));
  return named.length > 0 ? named : entries;
}

async function buildProgram(context: CliContext, entries: readonly CommandEntry[], argv: readonly string[]): Promise<Command> {
  const program = new Command('whaleflow')
    .description('Typed branch-and-leaf workflows of coding agents: compile, run, trace, replay.')
    .version('0.9.0')
    .showHelpAfterError('(run with --help for usage)')
    // A command's options belong to it: `learn --json` and `learn propose --json` are different options.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => context.stdout(text),
      writeErr: (text) => context.stderr(text),
    })
    .exitOverride();
  const factories = await Promise.all(entriesFor(entries, argv).map((entry) => entry.load()));
  for (const factory of factories) program.addCommand(throughContext(factory(context), context));
  return program;
}

/**
 * A command and its subcommands (`memo stats`…) report errors by throwing, never by exiting
 * the process, and write through the context, so usage errors exit 2 in-process too.
 */
function throughContext(command: Command, context: CliContext): Command {
  command.exitOverride().configureOutput({
    writeOut: (text) => context.stdout(text),
    writeErr: (text) => context.stderr(text),
  });
  for (const subcommand of command.commands) throughContext(subcommand, context);
  return command;
}

/** Reports an error raised by commander or a command; a user mistake never prints a stack trace. */
export function reportError(error: unknown, context: CliContext): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  return reportFailure(error, context);
}

/**
 * Runs the command line over these command entries (main() passes all of them; the start-up
 * script of `whaleflow run` only that one, which is all main() registers for it too) and
 * returns the exit code.
 */
export async function runCommandLine(argv: readonly string[], entries: readonly CommandEntry[], context: CliContext): Promise<number> {
  const redacting = redactingContext(context);
  try {
    const program = await buildProgram(redacting, entries, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return redacting.exitCode;
  } catch (error) {
    return reportError(error, redacting);
  }
}
