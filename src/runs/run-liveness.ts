import { readFileSync } from 'node:fs';

/** A run whose process has written nothing (heartbeat or event) for this long is interrupted. */
export const DEFAULT_STALE_AFTER_MS = 6_000;
/** How often a run process writes a heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 1_500;

/** Whether a process id is alive; injectable so tests need no real processes. */
export type PidChecker = (pid: number) => boolean;

/**
 * Signal 0 probes a pid without touching it: ESRCH means gone, EPERM means alive but not
 * ours. A detached run whose parent shell exited is reparented; if nothing reaps it after a
 * kill it lingers as a zombie, which signal 0 still finds, so on Linux /proc is asked too.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) STATE …"; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

export interface LivenessFacts {
  readonly finished: boolean;
  readonly pid: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastEventAt: number;
}

export interface LivenessOptions {
  readonly now: number;
  readonly isPidAlive?: PidChecker;
  readonly staleAfterMs?: number;
}

/**
 * True when an unfinished run can no longer finish: its process is gone, or it has been
 * silent (no heartbeat, no event) for longer than the stale threshold. A finished run is
 * never interrupted. This is why no run shows "running" forever.
 */
export function isRunInterrupted(facts: LivenessFacts, options: LivenessOptions): boolean {
  if (facts.finished) return false;
  const isPidAlive = options.isPidAlive ?? isProcessAlive;
  if (facts.pid !== null && !isPidAlive(facts.pid)) return true;
  const lastSign = Math.max(facts.lastHeartbeatAt ?? 0, facts.lastEventAt);
  return options.now - lastSign > (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS);
}
