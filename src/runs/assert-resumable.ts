import type { RunSummary, TraceStore } from '../trace/index.js';
import { WhaleflowError } from '../util/index.js';
import { isRunInterrupted, type PidChecker } from './run-liveness.js';
import { shortRunId } from './run-overview.js';

/** `whaleflow resume` on a run whose process is still alive: two executions would race. */
export class RunStillRunningError extends WhaleflowError {
  override readonly name = 'RunStillRunningError';
  constructor(
    readonly runId: string,
    readonly pid: number | null,
  ) {
    super(`run ${runId} is still running${pid !== null ? ` (pid ${pid})` : ''}; stop it first (whaleflow cancel ${shortRunId(runId)}) or pass --force`);
  }
}

/** `whaleflow replay` of a run that has no result to compare with: it is still running, or never finished. */
export class RunNotReplayableError extends WhaleflowError {
  override readonly name = 'RunNotReplayableError';
  constructor(
    readonly runId: string,
    readonly reason: 'running' | 'unfinished' | 'unfinished_export',
    readonly pid: number | null,
    /** Set when the unfinished run is itself a replay: the run it was checking. */
    readonly replayOf: string | null = null,
  ) {
    super(
      reason === 'running'
        ? `run ${runId} is still running${pid !== null ? ` (pid ${pid})` : ''}; replay it once it has finished (watch it with whaleflow ps)`
        : reason === 'unfinished' && replayOf !== null
          ? `run ${runId} is a replay of ${replayOf} that never finished (its process is gone); a replay is not resumed: replay ${shortRunId(replayOf)} again (whaleflow replay ${shortRunId(replayOf)})`
          : reason === 'unfinished'
            ? `run ${runId} never finished (its process is gone), so there is no result to compare a replay with; resume it (whaleflow resume ${shortRunId(runId)}) and replay the resume`
            : `the exported run ${runId} had not finished when it was exported, so there is no result to compare a replay with`,
    );
  }
}

export interface LivenessCheck {
  readonly now: number;
  readonly isPidAlive?: PidChecker;
}

/** Whether an unfinished run's process is still at work (a live pid or a recent heartbeat), and its pid. */
export function runLiveness(store: TraceStore, run: RunSummary, options: LivenessCheck): { readonly alive: boolean; readonly pid: number | null } {
  if (run.finishedAt !== null) return { alive: false, pid: null };
  const heartbeats = store.events(run.runId, 0, ['heartbeat']);
  const last = heartbeats[heartbeats.length - 1]?.event;
  const lastEvent = store.events(run.runId, Math.max(0, run.eventCount - 1))[0]?.event;
  const facts = {
    finished: false,
    pid: last?.type === 'heartbeat' ? last.pid : null,
    lastHeartbeatAt: last?.at ?? null,
    lastEventAt: lastEvent?.at ?? run.startedAt,
  };
  const interrupted = isRunInterrupted(facts, { now: options.now, ...(options.isPidAlive ? { isPidAlive: options.isPidAlive } : {}) });
  return { alive: !interrupted, pid: facts.pid };
}

/**
 * Refuses to resume a run that is still alive: unfinished, with a live process or a recent
 * heartbeat. A crashed (kill -9) or cancelled run, or a finished one, may be resumed.
 */
export function assertResumable(store: TraceStore, run: RunSummary, options: LivenessCheck): void {
  const { alive, pid } = runLiveness(store, run, options);
  if (alive) throw new RunStillRunningError(run.runId, pid);
}

/**
 * Refuses to replay a run without a recorded result: one still running (its replay would
 * report a divergence that is only the run not being over) or one that never finished.
 */
export function assertReplayable(store: TraceStore, run: RunSummary, options: LivenessCheck): void {
  if (run.finishedAt !== null) return;
  const { alive, pid } = runLiveness(store, run, options);
  throw new RunNotReplayableError(run.runId, alive ? 'running' : 'unfinished', pid, run.mode === 'replay' ? (run.parentRunId ?? null) : null);
}
