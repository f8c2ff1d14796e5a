import type { EffectivePermissions, LeafMemory } from '../../../engine/index.js';
import type { AgentTool } from './agent-tool.js';
import { editFileTool } from './edit-file-tool.js';
import { finishTool, finishWithCitationsTool } from './finish-tool.js';
import { memoryTools } from './memory-tools.js';
import { grepTool } from './grep-tool.js';
import { listFilesTool } from './list-files-tool.js';
import { readFileTool } from './read-file-tool.js';
import { runCommandTool } from './run-command-tool.js';
import { writeFileTool } from './write-file-tool.js';

/** Every tool, in the fixed order they are offered (the order is part of the request bytes). */
export function allTools(allowedCommands: readonly string[]): AgentTool[] {
  return [listFilesTool, readFileTool, grepTool, writeFileTool, editFileTool, runCommandTool(allowedCommands), finishTool];
}

/**
 * The tools a leaf is offered: read tools always; write tools (write, edit, run) only when it
 * may write; run_command only when it has commands to run; a non-empty `allowedTools`
 * narrows further. `finish` is always offered, or the leaf could not end.
 */
export function selectTools(permissions: EffectivePermissions, memory?: LeafMemory): AgentTool[] {
  const offered = allTools(permissions.allowedCommands).filter((tool) => isOffered(tool, permissions));
  if (!memory) return offered;
  // Memory tools go before finish, and finish may then cite evidence.
  const memoryOffered = memoryTools(
    memory.contexts.map((context) => context.name),
    memory.access,
  ).filter((tool) => isOffered(tool, permissions));
  return [...offered.filter((tool) => tool.effect !== 'finish'), ...memoryOffered, finishWithCitationsTool];
}

function isOffered(tool: AgentTool, permissions: EffectivePermissions): boolean {
  if (tool.effect === 'finish') return true;
  if (tool.effect === 'write' && !permissions.allowWrite) return false;
  if (tool.definition.name === 'run_command' && permissions.allowedCommands.length === 0) return false;
  return permissions.allowedTools.length === 0 || permissions.allowedTools.includes(tool.definition.name);
}
