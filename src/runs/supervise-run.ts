import type { WorkflowSpec } from '../ir/index.js';
import type { CancelReason, LeafRunner, RunEvent, RunEventSink } from '../engine/contracts/index.js';
import type { TraceStore } from '../trace/index.js';
import { NodeCancellation } from './node-cancellation.js';
import { pollCancelRequests } from './poll-cancel-requests.js';
import { startHeartbeat } from './start-heartbeat.js';

export interface RunSupervisionOptions {
  /** Where cancel requests are read (any connection to the project trace). */
  readonly store: Pick<TraceStore, 'readCancelRequests'>;
  /** The run's recording sink (heartbeats must go through the writer that owns the run's sequence). */
  readonly sink: RunEventSink;
  readonly runId: string;
  readonly spec: WorkflowSpec;
  readonly now?: () => number;
  readonly heartbeatIntervalMs?: number;
  readonly cancelPollIntervalMs?: number;
  /** A cancel arrived (for logging). */
  readonly onCancel?: (nodeId: string | null, reason: CancelReason) => void;
}

/** What the run command passes to executeWorkflow, and stops when the run is over. */
export interface RunSupervision {
  /** Aborts when `whaleflow cancel RUN` asks for the whole run. */
  readonly signal: AbortSignal;
  /**
   * Add it to the run's sinks: heartbeats start once run_started is recorded (so a run's log
   * still opens with run_started) and stop at run_finished.
   */
  readonly observer: RunEventSink;
  /** Makes `whaleflow cancel RUN NODE` reach the leaves under NODE. */
  wrapLeafRunner(runner: LeafRunner): LeafRunner;
  stop(): void;
}

/**
 * Everything a run process does so other terminals can watch and stop it: heartbeats with
 * its pid, and polling the store for cancel requests (whole run → the engine's AbortSignal;
 * one node → NodeCancellation). Status and cancel never call a model.
 */
export function superviseRun(options: RunSupervisionOptions): RunSupervision {
  const controller = new AbortController();
  const nodes = new NodeCancellation(options.spec);
  let stopHeartbeat: (() => void) | undefined;
  const stopPolling = pollCancelRequests({
    store: options.store,
    runId: options.runId,
    intervalMs: options.cancelPollIntervalMs,
    onRequest: (request) => {
      options.onCancel?.(request.nodeId, request.reason);
      if (request.nodeId === null) controller.abort(request.reason);
      else nodes.cancel(request.nodeId);
    },
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
  return { signal: controller.signal, observer, wrapLeafRunner: (runner) => nodes.wrap(runner), stop };
}
