// How a pid is probed lives in util/: the queue's worker checkouts ask it too (a dead worker's are removed).
import { isProcessAlive } from '../util/index.js';

export { isProcessAlive };

/** A run whose process has written nothing (heartbeat or event) for this long is interrupted. */
export const DEFAULT_STALE_AFTER_MS = 6_000;
/** How often a run process writes a heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 1_500;

/** Whether a process id is alive; injectable so tests need no real processes. */
export type PidChecker = (pid: number) => boolean;

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
