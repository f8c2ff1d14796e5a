import type { RunSummary, TraceStore } from '../trace/index.js';
import { WhaleflowError } from '../util/index.js';
import { isRunInterrupted, type PidChecker } from './run-liveness.js';

/** `whaleflow resume` on a run whose process is still alive: two executions would race. */
export class RunStillRunningError extends WhaleflowError {
  override readonly name = 'RunStillRunningError';
  constructor(
    readonly runId: string,
    readonly pid: number | null,
  ) {
    super(`run ${runId} is still running${pid !== null ? ` (pid ${pid})` : ''}; stop it first (whaleflow cancel ${runId.slice(0, 8)}) or pass --force`);
  }
}

/**
 * Refuses to resume a run that is still alive: unfinished, with a live process or a recent
 * heartbeat. A crashed (kill -9) or cancelled run, or a finished one, may be resumed.
 */
export function assertResumable(store: TraceStore, run: RunSummary, options: { readonly now: number; readonly isPidAlive?: PidChecker }): void {
  if (run.finishedAt !== null) return;
  const heartbeats = store.events(run.runId, 0, ['heartbeat']);
  const last = heartbeats[heartbeats.length - 1]?.event;
  const lastEvent = store.events(run.runId, Math.max(0, run.eventCount - 1))[0]?.event;
  const facts = {
    finished: false,
    pid: last?.type === 'heartbeat' ? last.pid : null,
    lastHeartbeatAt: last?.at ?? null,
    lastEventAt: lastEvent?.at ?? run.startedAt,
  };
  if (!isRunInterrupted(facts, { now: options.now, ...(options.isPidAlive ? { isPidAlive: options.isPidAlive } : {}) })) {
    throw new RunStillRunningError(run.runId, facts.pid);
  }
}
