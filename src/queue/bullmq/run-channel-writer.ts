import type { Redis } from 'ioredis';
import { recordingPipeline, recordOutcomesIn, type MemberOutcome } from './batch-outcomes.js';
import type { QueueKeys } from './queue-keys.js';
import type { ProgressMessage } from './wire-messages.js';

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingRecord {
  readonly batch: { readonly batchId: string; readonly lineage: string };
  readonly entries: MemberOutcome[];
  readonly done: Waiter<void>[];
}

interface PendingRead {
  readonly keys: readonly string[];
  readonly waiter: Waiter<(string | null)[]>;
}

/**
 * A worker's traffic with Redis, gathered per tick and sent as one pipeline: every progress
 * message of one run written in the same tick goes out as one PUBLISH, every outcome of one batch
 * as one record script, and the reads asked for in that tick (a batch's cancel markers) beside
 * them — progress first (one connection, so the coordinator hears a leaf's activity before its
 * outcome). A batch starting, or leaves finishing together, cost one write and one round trip
 * rather than one per command: on a machine where a socket write is costly, the writes were the
 * worker's largest cost after the leaves themselves.
 */
export class RunChannelWriter {
  private progress = new Map<string, ProgressMessage[]>();
  private records = new Map<string, PendingRecord>();
  private reads: PendingRead[] = [];
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

  /** The values of `keys` (MGET), read in this tick's pipeline. */
  read(keys: readonly string[]): Promise<(string | null)[]> {
    this.schedule();
    return new Promise((resolve, reject) => this.reads.push({ keys, waiter: { resolve, reject } }));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const progress = this.progress;
    const records = [...this.records.values()];
    const reads = this.reads;
    this.progress = new Map();
    this.records = new Map();
    this.reads = [];
    const pipeline = recordingPipeline(this.redis);
    for (const [channel, messages] of progress) pipeline.publish(channel, JSON.stringify(messages.length === 1 ? messages[0] : messages));
    for (const pending of records) recordOutcomesIn(pipeline, this.keys, pending.batch, pending.entries, this.ttlSeconds);
    for (const read of reads) pipeline.mget(...read.keys);
    pipeline.exec().then(
      (replies) => {
        // Replies come in the order the commands were added: publishes (ignored), records, reads.
        let index = progress.size;
        for (const pending of records) settle(replies?.[index++], pending.done, (discarded) => {
          if (Number(discarded) > 0) this.onDiscarded(Number(discarded));
        });
        for (const read of reads) settle(replies?.[index++], [read.waiter], () => undefined);
      },
      (error: unknown) => {
        for (const pending of records) for (const waiter of pending.done) waiter.reject(error);
        for (const read of reads) read.waiter.reject(error);
      },
    );
  }
}

/** Hands one pipeline reply (`[error, value]`) to its waiters. */
function settle<T>(reply: [Error | null, unknown] | undefined, waiters: readonly Waiter<T>[], onValue: (value: unknown) => void): void {
  const [error, value] = reply ?? [new Error('no reply from Redis'), undefined];
  if (error) {
    for (const waiter of waiters) waiter.reject(error);
    return;
  }
  onValue(value);
  for (const waiter of waiters) waiter.resolve(value as T);
}
