// Test and shell leaves: a real command in the leaf's workspace, judged by its exit code.
export { CommandLeafRunner, type CommandLeafRunnerOptions, type CommandLeafData } from './command-leaf-runner.js';
export { runProcess, TIMEOUT_EXIT_CODE, CANCELLED_EXIT_CODE, type RunProcessOptions, type ProcessOutcome } from './run-process.js';
export { commandEnvironment } from './command-environment.js';
export { isCommandAllowed } from '../../util/index.js';
export { capText } from './cap-text.js';
export { runLeafCommand, CommandCreatedStateError, type CommandSandboxSettings, type LeafCommand } from './run-leaf-command.js';
