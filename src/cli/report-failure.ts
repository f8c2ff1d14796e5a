import { WhaleflowError, InvalidInputError, UsageError, escapeTerminalText, formatDiagnostic, projectDatabaseError } from '../util/index.js';
// Only the path lookup (node:path, node:fs): trace/index.js would load SQLite on every start, even for --version.
import { projectTracePath } from '../trace/project-trace-location.js';
import type { CliContext } from './cli-context.js';
import { ExitCode } from './exit-codes.js';
// Not options/index.js: its grant options load the engine (and zod) on every start.
import { describeFileError, fileErrorCode } from './options/describe-file-error.js';

/**
 * Reports an error a command raised, other than commander's own (main.ts handles those), and
 * returns the exit code; a user mistake never prints a stack trace. Anything else is a bug in
 * WhaleFlow and is rethrown for bin/whaleflow.js to print as an internal error. Apart from
 * commander, so the launcher's start-up path for `whaleflow starlark` reports alike without it.
 */
export function reportFailure(error: unknown, context: CliContext): number {
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
