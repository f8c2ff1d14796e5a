import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EffectivePermissions } from '../../engine/index.js';
import { WhaleflowError } from '../../util/index.js';
import { bubblewrapArguments, confineCommand, detectBubblewrap, SandboxUnavailableError, type SandboxMode } from '../sandbox/index.js';
import type { Workspace } from '../workspace/index.js';
import { commandEnvironment } from './command-environment.js';
import { runProcess, type ProcessOutcome } from './run-process.js';

/** How leaf commands are confined, decided once per run (the CLI's --no-sandbox chooses `none`). */
export interface CommandSandboxSettings {
  readonly mode: SandboxMode;
  /** WhaleFlow's state wherever it is (absolute): hidden from every command. */
  readonly protectedPaths: readonly string[];
  /** The bwrap program; default `bwrap` on PATH. */
  readonly bubblewrapCommand?: string;
}

export interface LeafCommand {
  readonly command: string;
  readonly workspace: Workspace;
  readonly permissions: EffectivePermissions;
  /** The environment to filter (the user's). */
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly sandbox: CommandSandboxSettings;
  /** Stop capturing output past this many characters (the outcome says it overflowed). */
  readonly maxCapturedChars?: number;
}

/** A command created WhaleFlow's configuration in a tree it could write; it was removed. */
export class CommandCreatedStateError extends WhaleflowError {
  override readonly name = 'CommandCreatedStateError';
  constructor(readonly path: string) {
    super(`the command created ${path}, WhaleFlow's configuration, which no leaf may write; it was removed`);
  }
}

/**
 * Runs one leaf command (a test/shell leaf's, or the agent's run_command) with the filtered
 * environment, in the sandbox unless the user chose `--no-sandbox`. Throws
 * SandboxUnavailableError when the sandbox cannot be made: never a silent downgrade.
 */
export async function runLeafCommand(leafCommand: LeafCommand): Promise<ProcessOutcome> {
  const { command, workspace, permissions, sandbox } = leafCommand;
  const environment = commandEnvironment(leafCommand.env, permissions.allowNetwork);
  const configPath = join(workspace.root, 'whaleflow.config.yaml');
  const configExisted = existsSync(configPath);
  let wrapper: readonly [string, ...string[]] | undefined;
  switch (sandbox.mode) {
    case 'bubblewrap': {
      const program = sandbox.bubblewrapCommand ?? 'bwrap';
      const probe = detectBubblewrap(program);
      if (!probe.available) throw new SandboxUnavailableError(probe.reason ?? `${program} cannot be used`);
      const confinement = confineCommand(workspace, permissions, { protectedPaths: sandbox.protectedPaths, ...(leafCommand.env.HOME ? { home: leafCommand.env.HOME } : {}) });
      wrapper = [program, ...bubblewrapArguments(confinement, command)];
      environment.TMPDIR = '/tmp'; // the private /tmp is the only writable place a read-only leaf has
      break;
    }
    case 'none':
      break;
  }
  const outcome = await runProcess({
    command,
    ...(wrapper ? { wrapper } : {}),
    cwd: workspace.root,
    env: environment,
    timeoutMs: leafCommand.timeoutMs,
    signal: leafCommand.signal,
    ...(leafCommand.maxCapturedChars !== undefined ? { maxCapturedChars: leafCommand.maxCapturedChars } : {}),
  });
  // A missing configuration cannot be hidden in advance in a writable tree: a new one is removed at once.
  if (!configExisted && permissions.allowWrite && existsSync(configPath)) {
    rmSync(configPath, { recursive: true, force: true });
    throw new CommandCreatedStateError(configPath);
  }
  return outcome;
}
