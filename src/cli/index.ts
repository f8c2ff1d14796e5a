export { main, describeInternalError } from './main.js';
export type { CliContext } from './cli-context.js';
export { runCliInMemory, type CapturedRun } from './run-cli-in-memory.js';
