import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { MemoBroker } from '../../memo/index.js';
import { assertNever } from '../../util/index.js';
import type { LeafJob } from '../leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from '../leaf-job-outcome.js';
import { onLeafCancel, type LeafCancellation, type LeafQueue, type LeafQueueStats } from '../leaf-queue.js';
import { LeafQueueClosedError, QueueUnavailableError } from '../queue-errors.js';
import { queueRunContextId, type QueueRunContext } from '../queue-run-context.js';
import { carriesBlobs, resolveArtifacts } from './artifact-blobs.js';
import { BatchFormer } from './batch-former.js';
import { parseRecorded } from './batch-outcomes.js';
import { BatchReconciler } from './batch-reconciler.js';
import { coalesceWrites } from './coalesce-writes.js';
import { leafBatchOf } from './leaf-batch.js';
import { batchOfMember, indexMembers } from './member-index.js';
import { MemoBrokerService } from './memo-over-redis.js';
import { openRedis } from './open-redis.js';
import { parseOutcome, reasonText, UNKNOWN_WORKER } from './outcome-wire.js';
import { QUEUE_PREFIX, queueKeys, type QueueKeys } from './queue-keys.js';
import { parseRedisUrl, type RedisAddress } from './redis-url.js';
import { parseChannelMessages, type ProgressMessage } from './wire-messages.js';
import { listWorkers } from './worker-registry.js';

export interface BullmqLeafQueueOptions {
  readonly url: string;
  readonly queueName: string;
  /** The first run of the resume chain; its channel carries this run's progress and outcomes. */
  readonly lineage: string;
  readonly runContext: QueueRunContext;
  /** How long pending leaves wait for an unreachable Redis before they fail. */
  readonly unavailableTimeoutMs: number;
  /** How long finished jobs, outcomes, run contexts and blobs stay in Redis (a resume needs them). */
  readonly keepFinishedSeconds: number;
  /**
   * The most leaves in one batch (default 64). A batch is also never larger than the smallest
   * live worker's concurrency, so no worker takes more leaves at once than it can start.
   */
  readonly batchMaxLeaves?: number;
  readonly now?: () => number;
  /**
   * The coordinator's memo, served to this run's workers (single-flight across them); the run
   * context must say `memo: 'coordinator'` for workers to ask it.
   */
  readonly memo?: { readonly broker: MemoBroker; readonly runId: string };
}

interface Pending {
  readonly job: LeafJob;
  readonly listeners: Set<LeafJobListener>;
  readonly resolve: (outcome: LeafJobOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly promise: Promise<LeafJobOutcome>;
  readonly submittedAt: number;
  /** The batch it was queued in; unset while it is being formed here or looked up (a resume). */
  batchId?: string;
  cancelRequested: boolean;
}

const DEFAULT_BATCH_MAX_LEAVES = 64;
const WATCH_INTERVAL_MS = 500;
const SWEEP_INTERVAL_MS = 10_000;
const SWEEP_BATCH = 200;
const POOL_REFRESH_MS = 2_000;
/** How often the coordinator looks whether the queue failed one of its batches. */
const FAILED_POLL_MS = 500;
const NOT_STARTED = new Set(['waiting', 'prioritized', 'delayed', 'waiting-children']);

/**
 * The coordinator's side of the BullMQ transport. Leaves that become ready together are queued
 * as one BullMQ job (a batch, leaf-batch.ts), after each member's batch is written to the run's
 * member index, so a resume finds every member's job and queues none twice. Workers record each
 * member's outcome first-write-wins and publish it on the run's channel the moment it is
 * recorded; the first outcome settles the member, and what a second delivery of a batch brings
 * is discarded and counted. Messages are lost only while the subscription is down, so when it
 * comes back every pending batch's state is read back (and a sweep reads those pending for long);
 * a batch the queue itself failed (stalled too often, unreadable) is seen by a poll of BullMQ's
 * failed set every FAILED_POLL_MS — not by BullMQ's queue events, whose stream the coordinator
 * would read and parse several entries of for every batch. A cancel is published to every worker and marked in
 * Redis for a worker that takes the batch later. After a Redis outage it re-reads the state of
 * every pending batch (re-adding those Redis lost); when Redis stays unreachable past
 * `unavailableTimeoutMs`, pending leaves fail with QueueUnavailableError.
 */
export class BullmqLeafQueue implements LeafQueue {
  readonly runContextId: string;
  private readonly pending = new Map<string, Pending>();
  private readonly settled = new Set<string>();
  /** Batches in flight: the members this coordinator still waits for. */
  private readonly batches = new Map<string, Set<string>>();
  private readonly former: BatchFormer<Pending>;
  private readonly reconciler: BatchReconciler;
  private readonly keys: QueueKeys;
  private readonly now: () => number;
  private batchLimit = 1;
  private submitted = 0;
  private reattached = 0;
  private duplicatesDiscarded = 0;
  private unavailableSince: number | null = null;
  private closed = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    private readonly options: BullmqLeafQueueOptions,
    private readonly address: RedisAddress,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly queue: Queue,
  ) {
    this.keys = queueKeys(options.queueName);
    this.now = options.now ?? Date.now;
    this.runContextId = queueRunContextId(options.runContext);
    this.former = new BatchFormer(() => this.batchLimit, (entries) => this.queueBatch(entries));
    this.reconciler = new BatchReconciler(redis, this.keys, queue, {
      openMembers: (batchId) => this.openEntries(batchId).map((entry) => entry.job.jobId),
      cancelRequested: (jobId) => this.pending.get(jobId)?.cancelRequested ?? false,
      settle: (jobId, raw) => this.settle(jobId, raw),
      takeBack: (jobId, batchId) => this.takeBack(jobId, batchId),
      requeue: (batchId) => {
        const entries = this.openEntries(batchId);
        this.batches.delete(batchId);
        return entries.length > 0 ? this.addBatch(entries) : Promise.resolve();
      },
    });
  }

  static async open(options: BullmqLeafQueueOptions): Promise<BullmqLeafQueue> {
    const address = parseRedisUrl(options.url);
    const redis = await openRedis(address, options.unavailableTimeoutMs, 'coordinator');
    const subscriber = redis.duplicate();
    subscriber.on('error', () => undefined);
    // The queue shares the coordinator's connection: a batch's member index and the batch itself
    // go out on one socket, so Redis applies them in order without waiting for one reply first.
    const queue = new Queue(options.queueName, { connection: redis, prefix: QUEUE_PREFIX });
    queue.on('error', () => undefined);
    const opened = new BullmqLeafQueue(options, address, redis, subscriber, queue);
    try {
      await opened.start();
    } catch (error) {
      await opened.close();
      throw error;
    }
    return opened;
  }

  private async start(): Promise<void> {
    await this.queue.waitUntilReady();
    await Promise.all([this.storeRunContext(), this.refreshBatchLimit()]);
    const memo = this.options.memo ? new MemoBrokerService(this.options.memo.broker, this.redis, this.keys) : undefined;
    const memoChannel = this.options.memo ? memo?.channel(this.options.memo.runId) : undefined;
    this.subscriber.on('message', (channel: string, text: string) => (channel === memoChannel ? memo?.onMessage(text) : this.onChannel(text)));
    await this.subscriber.subscribe(this.keys.runChannel(this.options.lineage), ...(memoChannel ? [memoChannel] : []));
    this.redis.on('close', () => this.markUnavailable());
    this.redis.on('ready', () => this.markAvailable());
    // Back after its connection dropped: outcomes published meanwhile were not heard; read them back.
    this.subscriber.on('ready', () => void this.reconcileAll());
    this.timers.push(setInterval(() => void this.collectFailed(), FAILED_POLL_MS));
    this.timers.push(setInterval(() => this.watchAvailability(), WATCH_INTERVAL_MS));
    this.timers.push(setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS));
    this.timers.push(setInterval(() => void this.refreshBatchLimit(), POOL_REFRESH_MS));
    for (const timer of this.timers) timer.unref();
  }

  submit(job: LeafJob, listener: LeafJobListener, cancellation: LeafCancellation): Promise<LeafJobOutcome> {
    if (this.closed) return Promise.reject(new LeafQueueClosedError('the leaf queue is closed'));
    const existing = this.pending.get(job.jobId);
    if (existing) {
      this.reattached += 1;
      existing.listeners.add(listener);
      return existing.promise;
    }
    let resolve!: (outcome: LeafJobOutcome) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<LeafJobOutcome>((resolved, rejected) => {
      resolve = resolved;
      reject = rejected;
    });
    const entry: Pending = { job, listeners: new Set([listener]), resolve, reject, promise, submittedAt: this.now(), cancelRequested: false };
    this.pending.set(job.jobId, entry);
    const askedBefore = this.settled.delete(job.jobId);
    // A resumed run (or a second ask here) may find its job queued already: look before queueing.
    if (askedBefore || job.lineage !== job.runId) this.findQueued(entry).catch((error: unknown) => this.fail(entry, error));
    else this.former.add(entry);
    onLeafCancel(cancellation, (reason) => void this.cancel(entry, reason));
    return promise;
  }

  stats(): LeafQueueStats {
    return { submitted: this.submitted, reattached: this.reattached, duplicatesDiscarded: this.duplicatesDiscarded };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.former.clear();
    for (const entry of [...this.pending.values()]) this.fail(entry, new LeafQueueClosedError('the leaf queue was closed while the leaf was pending'));
    await this.queue.close().catch(() => undefined);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async storeRunContext(): Promise<void> {
    await this.redis.set(this.keys.runContext(this.runContextId), JSON.stringify(this.options.runContext), 'EX', this.options.keepFinishedSeconds);
  }

  /** Batches no larger than the smallest live worker takes at once, and never above the configured maximum. */
  private async refreshBatchLimit(): Promise<void> {
    try {
      const workers = await listWorkers(this.redis, this.keys, Date.now());
      const smallest = Math.min(...workers.map((worker) => worker.concurrency));
      this.batchLimit = Number.isFinite(smallest) ? Math.max(1, Math.min(this.options.batchMaxLeaves ?? DEFAULT_BATCH_MAX_LEAVES, smallest)) : 1;
    } catch {
      // Redis is away; the last limit stands
    }
  }

  private queueBatch(entries: readonly Pending[]): void {
    const live = entries.filter((entry) => this.pending.get(entry.job.jobId) === entry);
    if (live.length === 0) return;
    this.addBatch(live).catch((error: unknown) => {
      for (const entry of live) this.fail(entry, error);
    });
  }

  private async addBatch(entries: readonly Pending[]): Promise<void> {
    const batch = leafBatchOf(this.options.lineage, entries.map((entry) => entry.job));
    const members = new Set<string>();
    for (const entry of entries) {
      entry.batchId = batch.batchId;
      members.add(entry.job.jobId);
    }
    this.batches.set(batch.batchId, members);
    // The member index first: a coordinator killed between the two writes leaves members a resume
    // finds (and queues again, their batch being missing), never a batch whose members it cannot find.
    // Both on the one connection, the index sent first: Redis applies them in that order. The
    // socket is corked for this turn of the event loop, so both leave in one write (BullMQ sends
    // its command a few promise hops later): on this kind of machine a socket write, which also
    // wakes Redis, costs the coordinator more than building the batch.
    coalesceWrites(this.redis);
    const indexed = indexMembers(this.redis, this.keys, this.options.lineage, batch.batchId, [...members], this.options.keepFinishedSeconds);
    await Promise.all([indexed, this.queue.add('batch', batch, this.jobOptions(batch.batchId))]);
    this.submitted += entries.length;
  }

  private jobOptions(batchId: string) {
    return { jobId: batchId, removeOnComplete: { age: this.options.keepFinishedSeconds }, removeOnFail: { age: this.options.keepFinishedSeconds } };
  }

  /**
   * A member asked for again: serve its recorded outcome, or wait for the batch that holds it, or
   * — its batch gone or failed without its outcome — queue it anew.
   */
  private async findQueued(entry: Pending): Promise<void> {
    const { jobId } = entry.job;
    const batchId = await batchOfMember(this.redis, this.keys, this.options.lineage, jobId);
    if (this.pending.get(jobId) !== entry) return;
    if (batchId === null) return this.former.add(entry);
    if (await this.settleRecorded(batchId, jobId)) return;
    const found = await Job.fromId(this.queue, batchId);
    const state = found ? await found.getState() : 'missing';
    if (state === 'completed' || state === 'failed' || state === 'missing' || state === 'unknown') {
      if (await this.settleRecorded(batchId, jobId)) return; // recorded while we looked
      await found?.remove().catch(() => undefined); // so a batch of the same members can be added again
      if (this.pending.get(jobId) === entry) this.former.add(entry);
      return;
    }
    this.reattached += 1;
    entry.batchId = batchId;
    const members = this.batches.get(batchId) ?? new Set<string>();
    members.add(jobId);
    this.batches.set(batchId, members);
  }

  /** Serves a member's outcome recorded in `batchId`; false when there is none (a member handed back unrun has none). */
  private async settleRecorded(batchId: string, jobId: string): Promise<boolean> {
    const text = await this.redis.hget(this.keys.batchOutcomes(batchId), jobId);
    const recorded = text === null ? undefined : parseRecorded(text);
    if (recorded === undefined || 'handedBack' in recorded) return false;
    this.reattached += 1;
    this.settle(jobId, recorded.outcome);
    return true;
  }

  private onChannel(text: string): void {
    for (const message of parseChannelMessages(text)) {
      if (message.type === 'results') {
        this.duplicatesDiscarded += message.discarded;
        for (const { jobId, outcome, handedBack } of message.outcomes) {
          if (typeof handedBack === 'string') {
            this.takeBack(jobId, handedBack);
            continue;
          }
          // The worker that ran it has that leaf slot free now and is asking for work: the leaves
          // this frees are batched to its size (batch-former.ts).
          const worker = this.settle(jobId, outcome)?.worker.workerId;
          if (worker !== undefined) this.former.freed(worker, 1);
        }
      } else this.relay(message);
    }
  }

  private relay(message: ProgressMessage): void {
    if (message.type === 'placed') {
      for (const jobId of message.jobIds) for (const listener of this.pending.get(jobId)?.listeners ?? []) listener.placed(message.worker);
      return;
    }
    for (const listener of this.pending.get(message.jobId)?.listeners ?? []) {
      switch (message.type) {
        case 'activity':
          listener.activity(message.message);
          break;
        case 'spend':
          listener.spend(message.usage);
          break;
        case 'model':
          listener.modelWait(message.state);
          break;
        default:
          assertNever(message, 'progress message');
      }
    }
  }

  /** The first outcome of a member settles it and is returned; a later one is dropped (workers counted real duplicates). */
  private settle(jobId: string, raw: unknown): LeafJobOutcome | undefined {
    const entry = this.pending.get(jobId);
    if (!entry) return undefined;
    this.pending.delete(jobId);
    this.settled.add(jobId);
    if (entry.batchId) this.leaveBatch(entry.batchId, jobId);
    const outcome = parseOutcome(raw) ?? { type: 'threw', message: `the worker returned an unreadable result for job ${jobId}`, worker: UNKNOWN_WORKER };
    // Most outcomes carry no blob: they settle now, without a promise hop per leaf.
    if (!carriesBlobs(outcome)) entry.resolve(outcome);
    else {
      resolveArtifacts(this.redis, this.keys, outcome).then(entry.resolve, (error: unknown) =>
        entry.resolve({ type: 'threw', message: error instanceof Error ? error.message : String(error), worker: outcome.worker }),
      );
    }
    return outcome;
  }

  /**
   * The worker that took `batchId` had no free leaf slot for this member and gave it back unrun
   * (recorded in the batch, first-wins): it is queued again, in a new batch, for a worker that can
   * start it now rather than waiting behind that worker's leaves.
   */
  private takeBack(jobId: string, batchId: string): void {
    const entry = this.pending.get(jobId);
    if (!entry || entry.batchId !== batchId) return;
    this.leaveBatch(batchId, jobId);
    entry.batchId = undefined;
    if (entry.cancelRequested) this.settle(jobId, { type: 'stopped', message: 'cancelled', artifacts: [], worker: UNKNOWN_WORKER });
    else this.former.add(entry);
  }

  private leaveBatch(batchId: string, jobId: string): void {
    const members = this.batches.get(batchId);
    if (!members) return;
    members.delete(jobId);
    if (members.size === 0) this.batches.delete(batchId);
  }

  private fail(entry: Pending, error: unknown): void {
    if (this.pending.get(entry.job.jobId) !== entry) return;
    this.pending.delete(entry.job.jobId);
    this.former.remove(entry);
    if (entry.batchId) this.leaveBatch(entry.batchId, entry.job.jobId);
    entry.reject(error);
  }

  /**
   * Tells every worker to stop the member. One still being formed here, or whose batch no worker
   * has taken, settles at once (a worker that takes that batch later finds the cancel marker).
   */
  private async cancel(entry: Pending, reason: unknown): Promise<void> {
    const { jobId } = entry.job;
    if (this.pending.get(jobId) !== entry || entry.cancelRequested) return;
    entry.cancelRequested = true;
    const message = reasonText(reason);
    const stopped = { type: 'stopped', message, artifacts: [], worker: UNKNOWN_WORKER };
    if (!entry.batchId && this.former.remove(entry)) {
      this.settle(jobId, stopped);
      return;
    }
    try {
      await this.redis.set(this.keys.cancelled(jobId), message, 'EX', this.options.keepFinishedSeconds);
      await this.redis.publish(this.keys.cancelChannel, JSON.stringify({ jobId, reason: message }));
      const batchId = entry.batchId;
      if (!batchId || this.pending.get(jobId) !== entry) return;
      const members = [...(this.batches.get(batchId) ?? [])];
      if (members.every((member) => this.pending.get(member)?.cancelRequested) && (await this.queue.remove(batchId)) === 1) {
        for (const member of members) this.settle(member, stopped);
        return;
      }
      const found = await Job.fromId(this.queue, batchId);
      if (found && NOT_STARTED.has(await found.getState())) this.settle(jobId, stopped);
    } catch {
      // Redis is away: the engine stops waiting after its grace period; the marker is set on the next cancel attempt.
    }
  }

  private markUnavailable(): void {
    if (this.unavailableSince === null && !this.closed) this.unavailableSince = this.now();
  }

  private markAvailable(): void {
    if (this.unavailableSince === null) return;
    this.unavailableSince = null;
    void this.storeRunContext().then(() => this.reconcileAll(), () => undefined);
  }

  private watchAvailability(): void {
    if (this.unavailableSince === null) return;
    const waited = this.now() - this.unavailableSince;
    if (waited < this.options.unavailableTimeoutMs) return;
    const error = new QueueUnavailableError(this.address.display, `the queue at ${this.address.display} has been unreachable for ${Math.round(waited / 1000)} s (queue.unavailable_timeout_secs is ${Math.round(this.options.unavailableTimeoutMs / 1000)})`);
    for (const entry of [...this.pending.values()]) this.fail(entry, error);
  }

  /** A safety net for messages and events lost in an outage: batches pending for long get their state read back. */
  private async sweep(): Promise<void> {
    if (this.unavailableSince !== null || this.closed) return;
    const old = [...this.pending.values()].filter((entry) => this.now() - entry.submittedAt > SWEEP_INTERVAL_MS).slice(0, SWEEP_BATCH);
    await this.reconcile(old);
  }

  private async collectFailed(): Promise<void> {
    if (this.unavailableSince !== null || this.closed || this.batches.size === 0) return;
    await this.reconciler.collectFailed([...this.batches.keys()]);
  }

  private reconcileAll(): Promise<void> {
    return this.unavailableSince !== null || this.closed ? Promise.resolve() : this.reconcile([...this.pending.values()]);
  }

  private async reconcile(entries: readonly Pending[]): Promise<void> {
    await this.reconciler.reconcile(new Set(entries.flatMap((entry) => (entry.batchId && this.pending.get(entry.job.jobId) === entry ? [entry.batchId] : []))));
  }

  /** The members of `batchId` still pending here. */
  private openEntries(batchId: string): Pending[] {
    return [...(this.batches.get(batchId) ?? [])].flatMap((jobId) => {
      const entry = this.pending.get(jobId);
      return entry?.batchId === batchId ? [entry] : [];
    });
  }
}

