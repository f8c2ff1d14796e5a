import type { WorkflowSpec } from '../ir/index.js';
import type { CancelReason, LeafRunner, RunEventSink } from '../engine/contracts/index.js';
import type { TraceStore } from '../trace/index.js';
import { NodeCancellation } from './node-cancellation.js';
import { pollCancelRequests } from './poll-cancel-requests.js';
import { startHeartbeat } from './start-heartbeat.js';

export interface RunSupervisionOptions {
  readonly store: Pick<TraceStore, 'readCancelRequests'>;
  /** The run's own sink (heartbeats must go through the writer that owns the run's sequence). */
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
  const stopHeartbeat = startHeartbeat({ sink: options.sink, runId: options.runId, now: options.now, intervalMs: options.heartbeatIntervalMs });
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
  return {
    signal: controller.signal,
    wrapLeafRunner: (runner) => nodes.wrap(runner),
    stop: () => {
      stopHeartbeat();
      stopPolling();
    },
  };
}
