import type { CommandFactory } from '../command-registry.js';
import { checkCommand } from './check-command.js';
import { runCommand } from './run-command.js';
import { compileCommand } from './compile-command.js';
import { graphCommand } from './graph-command.js';
import { initCommand } from './init-command.js';
import { memoCommand } from './memo-command.js';
import { providersCommand } from './providers-command.js';
import { inspectCommand } from './inspect-command.js';
import { reportCommand } from './report-command.js';
import { exportCommand } from './export-command.js';
import { blobCommand } from './blob-command.js';
import { replayCommand } from './replay-command.js';
import { resumeCommand } from './resume-command.js';
import { starlarkCommand } from './starlark-command.js';
import { applyCommand } from './apply-command.js';
import { psCommand } from './ps-command.js';
import { cancelCommand } from './cancel-command.js';
import { tuiCommand } from './tui-command.js';

/** Every CLI command, in the order `whaleflow --help` lists them. One file per command. */
export const commandFactories: readonly CommandFactory[] = [compileCommand, checkCommand, runCommand, graphCommand, initCommand, providersCommand, memoCommand, inspectCommand, reportCommand, exportCommand, blobCommand, replayCommand, resumeCommand, starlarkCommand, psCommand, cancelCommand, tuiCommand, applyCommand];
