import type { EffectivePermissions } from '../engine/index.js';
import type { LeafSpec } from '../ir/index.js';

/**
 * The most a worker lets any job do, whatever the job asks: set by whoever starts the worker
 * (`whaleflow worker --max-grant read-only --no-commands`). A job carries the permissions the
 * coordinator computed; the worker refuses one beyond its ceiling instead of narrowing it
 * silently, so the run records why the leaf did not run.
 */
export interface WorkerCeiling {
  /** `none`: read-only leaves only; `worktree`: writers in isolated worktrees; `tree`: also its shared checkout. */
  readonly write: 'none' | 'worktree' | 'tree';
  readonly network: boolean;
  /** Whether leaves may run commands (tests, shell, an agent's run tool). */
  readonly commands: boolean;
}

export const WORKER_WRITE_CEILINGS = ['none', 'worktree', 'tree'] as const;

/** What `whaleflow worker` allows unless told otherwise: what a default run allows. */
export const DEFAULT_WORKER_CEILING: WorkerCeiling = { write: 'worktree', network: false, commands: true };

/** Why the ceiling refuses this job, or undefined when it may run. */
export function ceilingRefusal(ceiling: WorkerCeiling, leaf: LeafSpec, permissions: EffectivePermissions): string | undefined {
  const reasons: string[] = [];
  if (permissions.allowWrite) {
    if (ceiling.write === 'none') reasons.push('it writes files and this worker is read-only');
    else if (permissions.isolation === 'shared' && ceiling.write !== 'tree') reasons.push("it writes outside an isolated worktree and this worker's ceiling is worktree");
  }
  if (permissions.allowNetwork && !ceiling.network) reasons.push('it uses the network and this worker allows none');
  const runsCommands = leaf.command !== undefined || permissions.allowedCommands.length > 0;
  if (runsCommands && !ceiling.commands) reasons.push('it runs commands and this worker allows none');
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}
