import type { EffectArtifact, EffectResult, LeafRunContext, LeafRunInput } from '../../engine/index.js';
import { failedLeaf, millisecondsLeft, succeededLeaf } from '../leaf-result.js';
import type { WorkspaceLeafRunner } from '../workspace-leaf-runner.js';
import type { Workspace } from '../workspace/index.js';
import { capText } from './cap-text.js';
import { SandboxUnavailableError } from '../sandbox/index.js';
import { isCommandAllowed } from '../../util/index.js';
import type { ProcessOutcome } from './run-process.js';
import { CommandCreatedStateError, runLeafCommand, type CommandSandboxSettings } from './run-leaf-command.js';

export interface CommandLeafRunnerOptions {
  /** The environment commands inherit from (filtered); usually process.env. */
  readonly env: NodeJS.ProcessEnv;
  /** Clock of the budget's deadline. */
  readonly now?: () => number;
  /** Timeout when the leaf's budget has no deadline; default 30 minutes. */
  readonly defaultTimeoutMs?: number;
  /** Characters of stdout/stderr kept in the output text; full text goes to artifacts. Default 4000. */
  readonly outputCapChars?: number;
  /** How commands are confined (bubblewrap unless the user passed --no-sandbox). */
  readonly sandbox: CommandSandboxSettings;
}

/** What a test/shell leaf reports in `data`, read by tests_pass decisions and tournaments. */
export interface CommandLeafData {
  /** The engine's spelling (it judges `exit_code` against expect_exit). */
  readonly exit_code: number;
  readonly exitCode: number;
  readonly expected: number;
  readonly passed: boolean;
  readonly timedOut: boolean;
}

const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_OUTPUT_CAP_CHARS = 4000;

/**
 * A test or shell leaf: runs its `command` in the leaf's workspace and passes when the exit
 * code is `expect_exit` (0 when unset). The verdict is the exit code, never the output text.
 */
export class CommandLeafRunner implements WorkspaceLeafRunner {
  constructor(private readonly options: CommandLeafRunnerOptions) {}

  async run(input: LeafRunInput, context: LeafRunContext, workspace: Workspace): Promise<EffectResult> {
    const command = input.leaf.command;
    if (command === undefined) return failedLeaf({ output: null, error: `leaf "${input.leaf.id}" has no command to run` });
    if (!isCommandAllowed(command, input.permissions.allowedCommands)) {
      return failedLeaf({ output: null, error: `command "${command}" is not among the allowed commands` });
    }
    const timeoutMs = millisecondsLeft(input.budget, this.options.now ?? Date.now) ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    context.activity(`$ ${command}`);
    let outcome: ProcessOutcome;
    try {
      outcome = await runLeafCommand({ command, workspace, permissions: input.permissions, env: this.options.env, timeoutMs, signal: context.signal, sandbox: this.options.sandbox });
    } catch (error) {
      if (error instanceof SandboxUnavailableError || error instanceof CommandCreatedStateError) return failedLeaf({ output: null, error: error.message });
      throw error;
    }
    context.signal.throwIfAborted();
    context.spend({ inputTokens: 0, outputTokens: 0, costMicrousd: 0, steps: 1 });
    return this.result(command, input.leaf.expect_exit ?? 0, outcome, timeoutMs);
  }

  private result(command: string, expected: number, outcome: ProcessOutcome, timeoutMs: number): EffectResult {
    const passed = !outcome.timedOut && outcome.exitCode === expected;
    const data: CommandLeafData = { exit_code: outcome.exitCode, exitCode: outcome.exitCode, expected, passed, timedOut: outcome.timedOut };
    const output = this.outputText(command, outcome);
    const artifacts = outputArtifacts(outcome);
    if (passed) return succeededLeaf({ output, data, artifacts });
    const error = outcome.timedOut
      ? `"${command}" timed out after ${timeoutMs} ms and was killed`
      : `"${command}" exited with ${outcome.exitCode} (expected ${expected})`;
    return failedLeaf({ output, data, artifacts, error });
  }

  private outputText(command: string, outcome: ProcessOutcome): string {
    const cap = this.options.outputCapChars ?? DEFAULT_OUTPUT_CAP_CHARS;
    const lines = [`$ ${command}`, `exit code ${outcome.exitCode}${outcome.timedOut ? ' (timed out)' : ''}`];
    if (outcome.stdout) lines.push('--- stdout ---', capText(outcome.stdout, cap).text);
    if (outcome.stderr) lines.push('--- stderr ---', capText(outcome.stderr, cap).text);
    return lines.join('\n');
  }
}

function outputArtifacts(outcome: ProcessOutcome): EffectArtifact[] {
  const artifacts: EffectArtifact[] = [];
  if (outcome.stdout) artifacts.push({ kind: 'stdout', name: 'stdout.txt', content: outcome.stdout });
  if (outcome.stderr) artifacts.push({ kind: 'stderr', name: 'stderr.txt', content: outcome.stderr });
  return artifacts;
}
