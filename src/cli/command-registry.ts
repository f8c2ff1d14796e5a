import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

/** Each command lives in its own file under commands/ and exports one of these. */
export type CommandFactory = (context: CliContext) => Command;
