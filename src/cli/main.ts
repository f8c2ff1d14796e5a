import { Command, CommanderError } from 'commander';
import { inspect } from 'node:util';
import { WhaleflowError, InvalidInputError, UsageError, escapeTerminalText, formatDiagnostic, projectDatabaseError, SecretRedactor } from '../util/index.js';
// Only the path lookup (node:path, node:fs): trace/index.js would load SQLite on every start, even for --version.
import { projectTracePath } from '../trace/project-trace-location.js';
import { processCliContext, type CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
import { commandEntries, type CommandEntry } from './commands/index.js';
// Not options/index.js: its grant options load the engine (and zod) on every start.
import { describeFileError, fileErrorCode } from './options/describe-file-error.js';

/**
 * The commands to register: just the one the arguments name, or all of them for top-level
 * help and for an unknown word (so commander can suggest the closest command).
 */
function entriesFor(argv: readonly string[]): readonly CommandEntry[] {
  const word = argv.find((argument) => !argument.startsWith('-'));
  if (word === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  const named = commandEntries.filter((entry) => entry.name === word || entry.aliases?.includes(word ?? ''));
  return named.length > 0 ? named : commandEntries;
}

async function buildProgram(context: CliContext, argv: readonly string[]): Promise<Command> {
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
  const factories = await Promise.all(entriesFor(argv).map((entry) => entry.load()));
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

/** Reports an error raised by a command; a user mistake never prints a stack trace. */
export function reportError(error: unknown, context: CliContext): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof InvalidInputError) {
    for (const diagnostic of error.diagnostics) context.stderr(`${escapeTerminalText(formatDiagnostic(diagnostic))}\n`);
    return ExitCode.failure;
  }
  // Messages can carry run text (a provider's error body, a command's stderr, a model-written
  // node id): escaped like every other run text that reaches the terminal.
  if (error instanceof UsageError) {
    context.stderr(`whaleflow: ${escapeTerminalText(error.message)}\n`);
    return ExitCode.usage;
  }
  if (error instanceof WhaleflowError) {
    context.stderr(`whaleflow: ${escapeTerminalText(error.message)}\n`);
    return ExitCode.failure;
  }
  // A database failure that no store translated (they all should): still the user's disk or
  // file to fix, not a WhaleFlow bug, so no stack trace.
  const sqliteCode = String((error as { code?: unknown } | null)?.code ?? '');
  const databaseFailure = sqliteCode.startsWith('SQLITE_') ? projectDatabaseError(error, projectTracePath({ cwd: context.cwd, env: context.env })) : undefined;
  if (databaseFailure) {
    context.stderr(`whaleflow: ${databaseFailure.message}\n`);
    return ExitCode.failure;
  }
  // The operating system refused a path (missing, a directory, read-only, a full disk): the
  // user's environment, not a bug, so it gets one line naming the path rather than a stack trace.
  if (fileErrorCode(error) !== undefined) {
    const { path, syscall } = error as NodeJS.ErrnoException;
    context.stderr(`whaleflow: ${syscall ? `${syscall} ` : ''}${path ?? ''}${path ? ': ' : ''}${describeFileError(error)}\n`);
    return ExitCode.failure;
  }
  throw error;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], context: CliContext = processCliContext()): Promise<number> {
  const redacting = redactingContext(context);
  try {
    const program = await buildProgram(redacting, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return redacting.exitCode;
  } catch (error) {
    return reportError(error, redacting);
  }
}

/**
 * Everything a command prints (results, progress, a background run's log, the message of a
 * provider error that echoed an API key) passes the one redaction of util/secrets: the known
 * secrets of this environment and of the configuration, once it is loaded, never reach a
 * terminal or a log.
 */
function redactingContext(context: CliContext): CliContext {
  const redactor = new SecretRedactor(context.env);
  return {
    ...context,
    stdout: (text) => context.stdout(redactor.redactString(text)),
    stderr: (text) => context.stderr(redactor.redactString(text)),
  };
}

/** What `bin/whaleflow.js` prints for an error main() did not expect (a bug): redacted and escaped like any other output. */
export function describeInternalError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  return `whaleflow: internal error: ${escapeTerminalText(new SecretRedactor(env).redactString(inspect(error)))}\n`;
}
