import type { TraceStore } from '../trace/index.js';
import { WhaleflowError } from '../util/index.js';
import { RunOverviewFold } from './run-overview-fold.js';
import type { RunDisplayStatus } from './run-overview.js';
import { resolveRunReference } from './resolve-run-reference.js';
import type { LivenessOptions } from './run-liveness.js';

/** `whaleflow cancel RUN NODE` named a node the run does not have. */
export class UnknownCancelTargetError extends WhaleflowError {
  override readonly name = 'UnknownCancelTargetError';
  constructor(
    readonly runId: string,
    readonly nodeId: string,
  ) {
    super(`run ${runId} has no node "${nodeId}" (whaleflow inspect ${runId.slice(0, 8)} lists them)`);
  }
}

export interface CancelRequestOutcome {
  readonly runId: string;
  readonly nodeId: string | null;
  /** False when the run had already finished or was interrupted: nothing to stop, nothing recorded. */
  readonly recorded: boolean;
  /** Why nothing was recorded: the run's status (e.g. succeeded, interrupted). */
  readonly finishedStatus: RunDisplayStatus | null;
}

/**
 * Records a cancel request for a run (or one node of it) in the store, for the run process
 * to pick up on its next poll. Works from any terminal; never talks to a provider. A run
 * that finished, or whose process is gone (interrupted), has nobody to hear it: nothing is
 * recorded and the outcome says why.
 */
export function requestRunCancel(store: TraceStore, reference: string, nodeId: string | null, liveness: Partial<LivenessOptions> = {}): CancelRequestOutcome {
  const run = resolveRunReference(store, reference);
  const fold = new RunOverviewFold(run.runId);
  fold.applyStored(store.events(run.runId));
  if (nodeId !== null && !fold.node(nodeId)) throw new UnknownCancelTargetError(run.runId, nodeId);
  const now = liveness.now ?? Date.now();
  const status = fold.overview({ ...liveness, now }).status;
  if (status !== 'running') return { runId: run.runId, nodeId, recorded: false, finishedStatus: status };
  store.requestCancel(run.runId, nodeId, { type: 'user', message: nodeId ? `whaleflow cancel ${nodeId}` : 'whaleflow cancel' }, now);
  return { runId: run.runId, nodeId, recorded: true, finishedStatus: null };
}
