import { Option } from 'commander';
import type { CliContext } from '../cli-context.js';
import { databaseFilePath, existingFile, writableFilePath } from './path-arguments.js';

/**
 * Options several commands share, built in one place so each checks its value the same way.
 * Paths resolve against the command's working directory (the CLI context), not the process's.
 */

export const DATABASE_OPTION_DESCRIPTION = 'trace database (default: .whaleflow/whaleflow.db, or $WHALEFLOW_HOME)';

/** `--db <file>`: the trace database; a directory is refused. */
export function databaseOption(context: CliContext, description = DATABASE_OPTION_DESCRIPTION, flags = '--db <file>'): Option {
  return new Option(flags, description).argParser(databaseFilePath(context.cwd));
}

/** `--fixtures <file>`: an existing fixture file. */
export function fixturesOption(context: CliContext, description: string): Option {
  return new Option('--fixtures <file>', description).argParser(existingFile(context.cwd));
}

/** An existing file to read, under any flags (`--trace <file>`, `--file <workflow>`). */
export function inputFileOption(context: CliContext, flags: string, description: string): Option {
  return new Option(flags, description).argParser(existingFile(context.cwd));
}

/** `-o, --output <file>` (or other flags): a file to write, in an existing folder. */
export function outputFileOption(context: CliContext, flags = '-o, --output <file>', description = 'write to a file instead of stdout'): Option {
  return new Option(flags, description).argParser(writableFilePath(context.cwd));
}
