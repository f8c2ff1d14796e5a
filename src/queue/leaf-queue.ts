import type { LeafJob } from './leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from './leaf-job-outcome.js';

/**
 * What stops a submitted leaf: a caller's AbortSignal, or a cancel hook (the engine's cancel
 * scope of the leaf, through LeafRunContext.onCancel) that costs no AbortSignal per leaf.
 */
export type LeafCancellation = AbortSignal | { onCancel(callback: (reason: unknown) => void): () => void };

/** Calls back once when `cancellation` fires (at once if it already has). */
export function onLeafCancel(cancellation: LeafCancellation, callback: (reason: unknown) => void): void {
  if (!(cancellation instanceof AbortSignal)) {
    cancellation.onCancel(callback);
    return;
  }
  if (cancellation.aborted) callback(cancellation.reason);
  else cancellation.addEventListener('abort', () => callback(cancellation.reason), { once: true });
}

/**
 * A transport for leaf effects: hands a job to a worker and brings back how it ended. Two
 * implementations keep the same contract (one conformance suite runs against both):
 * InProcessLeafQueue, and BullmqLeafQueue over Redis with `whaleflow worker` processes.
 *
 * - Submitting a job whose id was submitted before (this process or an earlier one, e.g. a
 *   resumed run) attaches to that job: it is never run again because it was asked again.
 * - Delivery may be at least once (a worker lost mid-job has its job retried elsewhere); the
 *   first outcome is the one returned, later ones are discarded and counted.
 * - Cancelling (`cancellation`) tells the worker to stop the leaf; the promise then settles with the
 *   `stopped` outcome (carrying what the leaf made) or, for a job no worker had taken, at once.
 */
export interface LeafQueue {
  submit(job: LeafJob, listener: LeafJobListener, cancellation: LeafCancellation): Promise<LeafJobOutcome>;
  stats(): LeafQueueStats;
  /** Stops listening; pending submissions reject. Jobs already queued stay for a later resume. */
  close(): Promise<void>;
}

export interface LeafQueueStats {
  /** Jobs this coordinator added. */
  readonly submitted: number;
  /** Submissions that found their job already there (running, waiting or finished). */
  readonly reattached: number;
  /** Outcomes that arrived for a job already settled: discarded. */
  readonly duplicatesDiscarded: number;
}
