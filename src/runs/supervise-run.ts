import type { CancelReason, RunEvent, RunEventSink } from '../engine/contracts/index.js';
import { RunController } from '../engine/run-controller.js';
import type { TraceStore } from '../trace/index.js';
import { pollCancelRequests } from './poll-cancel-requests.js';
import { startHeartbeat } from './start-heartbeat.js';

export interface RunSupervisionOptions {
  /** Where cancel requests are read (any connection to the project trace). */
  readonly store: Pick<TraceStore, 'readCancelRequests'>;
  /** The run's recording sink (heartbeats must go through the writer that owns the run's sequence). */
  readonly sink: RunEventSink;
  readonly runId: string;
  readonly now?: () => number;
  readonly heartbeatIntervalMs?: number;
  readonly cancelPollIntervalMs?: number;
  /** A cancel arrived (for logging). */
  readonly onCancel?: (nodeId: string | null, reason: CancelReason) => void;
  /** A cancel could not be applied (an id the run does not have yet); the run goes on. */
  readonly onCancelError?: (error: unknown) => void;
  /** The run's own controller, when it has one already (a replay re-applies recorded cancels through it). */
  readonly controller?: RunController;
}

/** What the run command passes to executeWorkflow, and stops when the run is over. */
export interface RunSupervision {
  /**
   * Pass it as ExecuteRequest.controller: `whaleflow cancel RUN` cancels the whole run,
   * `whaleflow cancel RUN NODE` that node's subtree, both through the engine's cancel tree.
   */
  readonly controller: RunController;
  /**
   * Add it to the run's sinks: heartbeats start once run_started is recorded (so a run's log
   * still opens with run_started) and stop at run_finished.
   */
  readonly observer: RunEventSink;
  stop(): void;
}

/**
 * Everything a run process does so other terminals can watch and stop it: heartbeats with
 * its pid, and polling the store for cancel requests, each handed to the engine's
 * RunController (null node = the whole run). Status and cancel never call a model.
 */
export function superviseRun(options: RunSupervisionOptions): RunSupervision {
  const controller = options.controller ?? new RunController();
  let stopHeartbeat: (() => void) | undefined;
  const stopPolling = pollCancelRequests({
    store: options.store,
    runId: options.runId,
    intervalMs: options.cancelPollIntervalMs,
    onRequest: (request) => {
      options.onCancel?.(request.nodeId, request.reason);
      controller.cancel(request.nodeId, request.reason);
    },
    // pollCancelRequests reports what onRequest throws (an UnknownNodeError) and keeps polling.
    ...(options.onCancelError ? { onError: options.onCancelError } : {}),
  });
  const stop = (): void => {
    stopHeartbeat?.();
    stopHeartbeat = undefined;
    stopPolling();
  };
  const observer: RunEventSink = {
    emit(event: RunEvent): void {
      if (event.type === 'run_started' && event.runId === options.runId && !stopHeartbeat) {
        stopHeartbeat = startHeartbeat({ sink: options.sink, runId: options.runId, now: options.now, intervalMs: options.heartbeatIntervalMs });
      } else if (event.type === 'run_finished' && event.runId === options.runId) {
        stop();
      }
    },
  };
  return { controller, observer, stop };
}
