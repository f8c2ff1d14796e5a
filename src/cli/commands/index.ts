import type { CommandFactory } from '../command-registry.js';
import { checkCommand } from './check-command.js';
import { compileCommand } from './compile-command.js';
import { graphCommand } from './graph-command.js';

/** Every CLI command, in the order `whaleflow --help` lists them. One file per command. */
export const commandFactories: readonly CommandFactory[] = [compileCommand, checkCommand, graphCommand];
