import type { Redis } from 'ioredis';
import { recordOutcomes, type MemberOutcome } from './batch-outcomes.js';
import type { QueueKeys } from './queue-keys.js';
import type { ProgressMessage } from './wire-messages.js';

interface PendingRecord {
  readonly batch: { readonly batchId: string; readonly lineage: string };
  readonly entries: MemberOutcome[];
  readonly done: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

/**
 * A worker's writes to its runs' channels, gathered per tick: every progress message of one run
 * written in the same tick goes out as one PUBLISH, and every outcome of one batch as one record
 * script, progress first (one connection, so the coordinator hears a leaf's activity before its
 * outcome). A batch of leaves finishing together costs one round trip, not one per leaf.
 */
export class RunChannelWriter {
  private progress = new Map<string, ProgressMessage[]>();
  private records = new Map<string, PendingRecord>();
  private scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly ttlSeconds: number,
    /** Outcomes the record refused because the member already had one (another delivery's). */
    private readonly onDiscarded: (count: number) => void,
  ) {}

  publish(lineage: string, message: ProgressMessage): void {
    const channel = this.keys.runChannel(lineage);
    const queued = this.progress.get(channel);
    if (queued) queued.push(message);
    else this.progress.set(channel, [message]);
    this.schedule();
  }

  /** Resolves once the outcome is recorded in Redis (and published, if it was the first). */
  record(batch: { readonly batchId: string; readonly lineage: string }, entry: MemberOutcome): Promise<void> {
    let pending = this.records.get(batch.batchId);
    if (!pending) {
      pending = { batch, entries: [], done: [] };
      this.records.set(batch.batchId, pending);
    }
    pending.entries.push(entry);
    const waiters = pending.done;
    this.schedule();
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const progress = this.progress;
    const records = this.records;
    this.progress = new Map();
    this.records = new Map();
    for (const [channel, messages] of progress) this.redis.publish(channel, JSON.stringify(messages.length === 1 ? messages[0] : messages)).catch(() => undefined);
    for (const pending of records.values()) {
      recordOutcomes(this.redis, this.keys, pending.batch, pending.entries, this.ttlSeconds).then(
        (discarded) => {
          if (discarded > 0) this.onDiscarded(discarded);
          for (const waiter of pending.done) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of pending.done) waiter.reject(error);
        },
      );
    }
  }
}
