import type { LeafPlacement, LeafRunner } from '../engine/index.js';
import { executeLeafJob } from './execute-leaf-job.js';
import type { LeafJob } from './leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from './leaf-job-outcome.js';
import type { LeafCancellation, LeafQueue, LeafQueueStats } from './leaf-queue.js';
import { LeafStopSwitch } from './leaf-stop-switch.js';
import { LeafQueueClosedError } from './queue-errors.js';
import { DEFAULT_WORKER_CEILING, type WorkerCeiling } from './worker-ceiling.js';

export interface InProcessLeafQueueOptions {
  /** The runner of a job's run context (one per context; the queue does not cache). */
  readonly runnerFor: (runContext: string) => LeafRunner;
  readonly ceiling?: WorkerCeiling;
  readonly worker?: LeafPlacement;
  readonly now?: () => number;
}

interface Entry {
  readonly outcome: Promise<LeafJobOutcome>;
  readonly listeners: Set<LeafJobListener>;
}

/**
 * The reference LeafQueue: jobs run in this process through the same executeLeafJob a worker
 * uses, after a JSON round trip (a job must survive serialization, and the runner must not
 * share objects with the engine). It holds every outcome for the queue's lifetime, which is
 * what makes a second submission of a job attach to the first.
 */
export class InProcessLeafQueue implements LeafQueue {
  private readonly jobs = new Map<string, Entry>();
  private readonly worker: LeafPlacement;
  private submitted = 0;
  private reattached = 0;
  private closed = false;

  constructor(private readonly options: InProcessLeafQueueOptions) {
    this.worker = options.worker ?? { workerId: `in-process-${process.pid}`, host: 'in-process', pid: process.pid };
  }

  submit(job: LeafJob, listener: LeafJobListener, cancellation: LeafCancellation): Promise<LeafJobOutcome> {
    if (this.closed) return Promise.reject(new LeafQueueClosedError('the leaf queue is closed'));
    const existing = this.jobs.get(job.jobId);
    if (existing) {
      this.reattached += 1;
      existing.listeners.add(listener);
      return existing.outcome;
    }
    this.submitted += 1;
    const listeners = new Set([listener]);
    const delivered = JSON.parse(JSON.stringify(job)) as LeafJob;
    const fanOut: LeafJobListener = {
      placed: (worker) => listeners.forEach((each) => each.placed(worker)),
      activity: (message) => listeners.forEach((each) => each.activity(message)),
      spend: (usage) => listeners.forEach((each) => each.spend(usage)),
      modelWait: (state) => listeners.forEach((each) => each.modelWait(state)),
    };
    fanOut.placed(this.worker);
    const outcome = executeLeafJob(
      delivered,
      { runner: this.options.runnerFor(delivered.runContext), ceiling: this.options.ceiling ?? DEFAULT_WORKER_CEILING, worker: this.worker, now: this.options.now ?? Date.now },
      fanOut,
      LeafStopSwitch.following(cancellation),
    ).then((settled) => JSON.parse(JSON.stringify(settled)) as LeafJobOutcome);
    this.jobs.set(job.jobId, { outcome, listeners });
    return outcome;
  }

  stats(): LeafQueueStats {
    return { submitted: this.submitted, reattached: this.reattached, duplicatesDiscarded: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
