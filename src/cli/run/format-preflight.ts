import type { PermissionGrant, PermissionPreflight, RunEstimate } from '../../engine/index.js';
import { WORKTREE_BASE_NOTICE } from '../../leaves/workspace/index.js';
import { formatOverviewCost as formatUsd } from '../../runs/index.js';
import { escapeTerminalLine } from '../../util/index.js';

export interface PreflightFormatOptions {
  /** Leaves run in real git worktrees (not the engine's mock), so how a worktree starts matters. */
  readonly realWorktrees?: boolean;
  /** What confines leaf commands (when some may run). */
  readonly sandboxLine?: string;
}

/** What the run will do and may spend, shown before it starts. */
export function formatPreflight(estimate: RunEstimate, preflight: PermissionPreflight, grant: PermissionGrant, options: PreflightFormatOptions = {}): string {
  const lines = [
    `pre-flight: up to ${estimate.leaves} leaves and ${estimate.modelCalls} engine model calls, ~${estimate.tokens} tokens, estimated ${estimate.costMicrousd === null ? 'cost unknown (no prices)' : formatUsd(estimate.costMicrousd)}`,
  ];
  if (preflight.writes.length === 0) lines.push('  writes: none');
  for (const write of preflight.writes) {
    const where = write.isolation === 'worktree' ? 'in its own git worktree' : 'in the working tree';
    lines.push(`  writes: ${escapeTerminalLine(write.nodeId)} ${where}${write.fileScope.length > 0 ? ` (${escapeTerminalLine(write.fileScope.join(', '))})` : ''}`);
  }
  // A user who just edited files would otherwise be surprised that the worktree leaves don't see them.
  if (options.realWorktrees && preflight.writes.some((write) => write.isolation === 'worktree')) lines.push(`  note: ${WORKTREE_BASE_NOTICE}`);
  for (const command of preflight.commands) lines.push(`  runs: ${escapeTerminalLine(command.nodeId)}: ${escapeTerminalLine(command.command)}`);
  // What a planner writes is model output: the user sees here the only commands it can reach.
  for (const expansion of preflight.expansions) {
    const commands = expansion.commands.length > 0 ? `may run only ${expansion.commands.map((command) => `"${escapeTerminalLine(command)}"`).join(', ')}` : 'may run no command';
    lines.push(`  expands: ${escapeTerminalLine(expansion.nodeId)}: model-written nodes ${commands}`);
  }
  if (options.sandboxLine) lines.push(`  ${options.sandboxLine}`);
  lines.push(`  network: ${preflight.network.length > 0 ? preflight.network.join(', ') : 'none'}`);
  lines.push(`  grant: ${describeGrant(grant)}`);
  return `${lines.join('\n')}\n`;
}

function describeGrant(grant: PermissionGrant): string {
  const writes = !grant.allowWrite ? 'read-only' : grant.allowWriteTree ? 'writes anywhere in the working tree' : 'writes only in isolated worktrees';
  const declared = grant.commandAuthority === 'granted-only' ? 'no commands of its own (a generated plan)' : "the workflow's declared commands";
  const commands = grant.allowedCommands === 'declared' ? declared : `commands ${escapeTerminalLine(grant.allowedCommands.join(', ')) || 'none'}`;
  const granted = (grant.grantedCommands ?? []).map((command) => `"${escapeTerminalLine(command)}"`);
  return `${writes}, ${grant.allowNetwork ? 'network allowed' : 'no network'}, ${commands}${granted.length > 0 ? `, and granted ${granted.join(', ')}` : ''}`;
}
