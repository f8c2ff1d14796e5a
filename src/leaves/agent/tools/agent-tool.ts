import type { EffectivePermissions } from '../../../engine/index.js';
import type { ToolDefinition } from '../../../providers/index.js';
import type { MemoryLedger } from '../memory-ledger.js';
import type { CommandSandboxSettings } from '../../command/index.js';
import type { Workspace } from '../../workspace/index.js';

/** What a tool may touch: the workspace root, the leaf's permissions and the leaf's signal. */
export interface ToolEnvironment {
  readonly root: string;
  /** The workspace itself, for commands (their sandbox is made from it). */
  readonly workspace: Workspace;
  /** How run_command is confined. */
  readonly sandbox: CommandSandboxSettings;
  /** WhaleFlow's state inside the workspace, refused to every tool (see resolveWorkspacePath). */
  readonly protectedPaths: readonly string[];
  readonly permissions: EffectivePermissions;
  readonly signal: AbortSignal;
  /** The environment commands inherit from (filtered before use). */
  readonly env: NodeJS.ProcessEnv;
  /** Upper bound for one run_command call. */
  readonly commandTimeoutMs: number;
  /** The leaf's memory and its ledger, when it declared memory contexts. */
  readonly memory?: MemoryLedger;
}

/**
 * `read` tools are offered to every leaf; `write` tools (files and commands) only to leaves
 * that may write; `memory` tools only to leaves that declare memory contexts. `finish` ends the
 * loop and is handled by the loop itself.
 */
export type ToolEffect = 'read' | 'write' | 'memory' | 'finish';

export interface AgentTool {
  readonly definition: ToolDefinition;
  readonly effect: ToolEffect;
  /** Returns the text the model sees; throws ToolError (or a path error) for a refused call. */
  run(args: Record<string, unknown>, environment: ToolEnvironment): Promise<string>;
}
