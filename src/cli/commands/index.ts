import type { CommandFactory } from '../command-registry.js';

/** Every CLI command, in the order `whaleflow --help` lists them. One file per command. */
export const commandFactories: readonly CommandFactory[] = [];
