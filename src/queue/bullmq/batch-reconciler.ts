import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { readOutcomes } from './batch-outcomes.js';
import { UNKNOWN_WORKER } from './outcome-wire.js';
import type { QueueKeys } from './queue-keys.js';

/** What the reconciler needs of the coordinator's queue: its pending members and how to settle or re-add them. */
export interface ReconcilerHost {
  /** The members of `batchId` the coordinator still waits for. */
  openMembers(batchId: string): readonly string[];
  cancelRequested(jobId: string): boolean;
  /** Settles a member with an outcome as read from Redis (checked by the host); a settled member is ignored. */
  settle(jobId: string, raw: unknown): void;
  /** Queues the members of `batchId` still open in a new batch: Redis lost it (restarted without persistence). */
  requeue(batchId: string): Promise<void>;
  /** Queues a member again that the worker which took `batchId` handed back unrun. */
  takeBack(jobId: string, batchId: string): void;
}

/**
 * The coordinator's safety net for what its channel did not deliver: a batch that ended (or that
 * Redis lost) has its members' recorded outcomes read back, and the members without one are
 * settled from how the batch ended, or queued again. Outcomes normally arrive on the run's
 * channel the moment a worker records them; this runs for batches the queue failed, after the
 * channel or Redis was away, and for batches pending for long.
 */
export class BatchReconciler {
  private collecting = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly queue: Queue,
    private readonly host: ReconcilerHost,
  ) {}

  /** A batch ended (completed, or failed by the queue): members whose outcome did not arrive are read from the record. */
  private async batchEnded(batchId: string, failedReason?: string): Promise<void> {
    const open = this.host.openMembers(batchId);
    if (open.length === 0) return;
    const recorded = await readOutcomes(this.redis, this.keys, batchId).catch(() => undefined);
    if (!recorded) return; // Redis away: the reconnect reconciles
    for (const jobId of open) {
      if (recorded.outcomes.has(jobId)) this.host.settle(jobId, recorded.outcomes.get(jobId));
      else if (recorded.handedBack.has(jobId)) this.host.takeBack(jobId, batchId);
      else if (this.host.cancelRequested(jobId)) this.host.settle(jobId, { type: 'stopped', message: failedReason ?? 'cancelled', artifacts: [], worker: UNKNOWN_WORKER });
      else if (failedReason !== undefined) this.host.settle(jobId, { type: 'threw', message: `the queue failed the job: ${failedReason}`, worker: UNKNOWN_WORKER });
      else this.host.settle(jobId, { type: 'threw', message: `batch ${batchId} completed without an outcome for job ${jobId}`, worker: UNKNOWN_WORKER });
    }
  }

  /**
   * Settles the members of those of `batchIds` that the queue failed (stalled more often than
   * allowed, or a worker could not read them): one ZMSCORE on BullMQ's failed set, then their
   * state and reason read back. Overlapping calls are skipped (the next one looks again).
   */
  async collectFailed(batchIds: readonly string[]): Promise<void> {
    if (this.collecting || batchIds.length === 0) return;
    this.collecting = true;
    try {
      const scores = await this.redis.zmscore(this.queue.keys.failed, ...batchIds);
      const failed = batchIds.filter((_, index) => scores[index] !== null);
      if (failed.length > 0) await this.reconcile(failed);
    } catch {
      // Redis away: the reconnect reconciles
    } finally {
      this.collecting = false;
    }
  }

  /** Reads back the state of each batch: ended ones settle their members, lost ones are queued again. */
  async reconcile(batchIds: Iterable<string>): Promise<void> {
    for (const batchId of batchIds) {
      try {
        const found = await Job.fromId(this.queue, batchId);
        const state = found ? await found.getState() : 'missing';
        if (state === 'completed') await this.batchEnded(batchId);
        else if (state === 'failed') await this.batchEnded(batchId, found?.failedReason ?? 'failed');
        else if (state === 'missing' || state === 'unknown') await this.requeueLost(batchId);
      } catch {
        return; // unreachable again; the next reconnect reconciles
      }
    }
  }

  /** Redis lost a batch (restarted without persistence): outcomes it still has settle, the rest are queued again. */
  private async requeueLost(batchId: string): Promise<void> {
    const recorded = await readOutcomes(this.redis, this.keys, batchId);
    for (const jobId of this.host.openMembers(batchId)) if (recorded.outcomes.has(jobId)) this.host.settle(jobId, recorded.outcomes.get(jobId));
    await this.host.requeue(batchId);
  }
}
