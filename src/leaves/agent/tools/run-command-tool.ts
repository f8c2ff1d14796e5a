import { capText, CommandCreatedStateError, isCommandAllowed, runLeafCommand } from '../../command/index.js';
import { SandboxUnavailableError } from '../../sandbox/index.js';
import type { AgentTool } from './agent-tool.js';
import { optionalIntegerArgument, stringArgument } from './tool-arguments.js';
import { ToolError } from './tool-error.js';

const OUTPUT_CAP_CHARS = 8000;

/**
 * Runs one of the leaf's allowed commands in the workspace. The allowed list is part of the
 * description because the model must know it, and it comes from the leaf spec alone, so
 * identical leaves still send identical requests.
 */
export function runCommandTool(allowedCommands: readonly string[]): AgentTool {
  return {
    effect: 'write',
    definition: {
      name: 'run_command',
      description: `Run a shell command in the workspace and return its exit code and (capped) output. Allowed commands: ${allowedCommands
        .map((command) => JSON.stringify(command))
        .join(', ')} (an entry ending in " *" allows extra arguments without shell operators).`,
      parameters: {
        type: 'object',
        properties: {
          command: { type: 'string', description: 'The command line, exactly as allowed' },
          timeout_secs: { type: 'integer', minimum: 1, description: 'Timeout in seconds (capped by the leaf budget)' },
        },
        required: ['command'],
        additionalProperties: false,
      },
    },
    async run(args, environment) {
      const command = stringArgument('run_command', args, 'command');
      if (!isCommandAllowed(command, environment.permissions.allowedCommands)) {
        throw new ToolError('run_command', `command "${command}" is not allowed for this leaf`);
      }
      const askedMs = (optionalIntegerArgument('run_command', args, 'timeout_secs') ?? Number.MAX_SAFE_INTEGER / 1000) * 1000;
      let outcome;
      try {
        outcome = await runLeafCommand({
          command,
          workspace: environment.workspace,
          permissions: environment.permissions,
          env: environment.env,
          timeoutMs: Math.min(askedMs, environment.commandTimeoutMs),
          signal: environment.signal,
          sandbox: environment.sandbox,
        });
      } catch (error) {
        if (error instanceof SandboxUnavailableError || error instanceof CommandCreatedStateError) throw new ToolError('run_command', error.message);
        throw error;
      }
      environment.signal.throwIfAborted();
      const lines = [`exit code ${outcome.exitCode}${outcome.timedOut ? ' (timed out, killed)' : ''}`];
      if (outcome.stdout) lines.push('--- stdout ---', capText(outcome.stdout, OUTPUT_CAP_CHARS).text);
      if (outcome.stderr) lines.push('--- stderr ---', capText(outcome.stderr, OUTPUT_CAP_CHARS).text);
      return lines.join('\n');
    },
  };
}
