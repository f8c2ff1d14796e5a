import { Job, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { LeafPlacement } from '../../engine/index.js';
import type { MemoBroker } from '../../memo/index.js';
import type { LeafJob } from '../leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from '../leaf-job-outcome.js';
import type { LeafQueue, LeafQueueStats } from '../leaf-queue.js';
import { LeafQueueClosedError, QueueUnavailableError } from '../queue-errors.js';
import { queueRunContextId, type QueueRunContext } from '../queue-run-context.js';
import { resolveArtifacts } from './artifact-blobs.js';
import { MemoBrokerService } from './memo-over-redis.js';
import { openRedis } from './open-redis.js';
import { QUEUE_PREFIX, queueKeys, type QueueKeys } from './queue-keys.js';
import { connectionOptions, parseRedisUrl, type RedisAddress } from './redis-url.js';
import { assertNever } from '../../util/index.js';
import { parseProgressMessage } from './wire-messages.js';

export interface BullmqLeafQueueOptions {
  readonly url: string;
  readonly queueName: string;
  /** The first run of the resume chain; its channel carries this run's progress. */
  readonly lineage: string;
  readonly runContext: QueueRunContext;
  /** How long pending leaves wait for an unreachable Redis before they fail. */
  readonly unavailableTimeoutMs: number;
  /** How long finished jobs, run contexts and blobs stay in Redis (a resume needs them). */
  readonly keepFinishedSeconds: number;
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
  cancelRequested: boolean;
}

const UNKNOWN_WORKER: LeafPlacement = { workerId: 'unknown', host: 'unknown', pid: 0 };
const WATCH_INTERVAL_MS = 500;
const SWEEP_INTERVAL_MS = 10_000;
const SWEEP_BATCH = 200;

/**
 * The coordinator's side of the BullMQ transport. Jobs are added with their derived id (BullMQ
 * adds an id once, so a resubmission attaches); completions arrive through BullMQ's queue
 * events and the first one settles the job — later ones are discarded and counted; progress
 * (placement, activity, spend) arrives on the run's pub/sub channel; a cancel is published
 * to every worker and marked in Redis for a worker that takes the job later. After a Redis
 * outage it re-reads the state of every pending job (re-adding those Redis lost); when Redis
 * stays unreachable past `unavailableTimeoutMs`, pending leaves fail with QueueUnavailableError.
 */
export class BullmqLeafQueue implements LeafQueue {
  readonly runContextId: string;
  private readonly pending = new Map<string, Pending>();
  private readonly settled = new Set<string>();
  private readonly keys: QueueKeys;
  private readonly now: () => number;
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
    private readonly events: QueueEvents,
  ) {
    this.keys = queueKeys(options.queueName);
    this.now = options.now ?? Date.now;
    this.runContextId = queueRunContextId(options.runContext);
  }

  static async open(options: BullmqLeafQueueOptions): Promise<BullmqLeafQueue> {
    const address = parseRedisUrl(options.url);
    const redis = await openRedis(address, options.unavailableTimeoutMs, 'coordinator');
    const subscriber = redis.duplicate();
    subscriber.on('error', () => undefined);
    const connection = connectionOptions(address);
    const queue = new Queue(options.queueName, { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(options.queueName, { connection, prefix: QUEUE_PREFIX });
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    const opened = new BullmqLeafQueue(options, address, redis, subscriber, queue, events);
    try {
      await opened.start();
    } catch (error) {
      await opened.close();
      throw error;
    }
    return opened;
  }

  private async start(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    await this.storeRunContext();
    const memo = this.options.memo ? new MemoBrokerService(this.options.memo.broker, this.redis, this.keys) : undefined;
    const memoChannel = this.options.memo ? memo?.channel(this.options.memo.runId) : undefined;
    this.subscriber.on('message', (channel: string, text: string) => (channel === memoChannel ? memo?.onMessage(text) : this.onProgress(text)));
    await this.subscriber.subscribe(this.keys.runChannel(this.options.lineage), ...(memoChannel ? [memoChannel] : []));
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, returnvalue));
    this.events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    this.redis.on('close', () => this.markUnavailable());
    this.redis.on('ready', () => this.markAvailable());
    this.timers.push(setInterval(() => this.watchAvailability(), WATCH_INTERVAL_MS));
    this.timers.push(setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS));
    for (const timer of this.timers) timer.unref();
  }

  submit(job: LeafJob, listener: LeafJobListener, signal: AbortSignal): Promise<LeafJobOutcome> {
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
    this.enqueue(entry, askedBefore).catch((error: unknown) => this.fail(entry, error));
    if (signal.aborted) void this.cancel(entry, signal.reason);
    else signal.addEventListener('abort', () => void this.cancel(entry, signal.reason), { once: true });
    return promise;
  }

  stats(): LeafQueueStats {
    return { submitted: this.submitted, reattached: this.reattached, duplicatesDiscarded: this.duplicatesDiscarded };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const entry of [...this.pending.values()]) this.fail(entry, new LeafQueueClosedError('the leaf queue was closed while the leaf was pending'));
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async storeRunContext(): Promise<void> {
    await this.redis.set(this.keys.runContext(this.runContextId), JSON.stringify(this.options.runContext), 'EX', this.options.keepFinishedSeconds);
  }

  private async enqueue(entry: Pending, askedBefore: boolean): Promise<void> {
    const { job } = entry;
    await this.queue.add('leaf', job, this.jobOptions(job));
    if (this.pending.get(job.jobId) !== entry) return;
    // BullMQ keeps the existing job when the id is taken: a resume (or a second ask here) finds what is there.
    if (askedBefore || job.lineage !== job.runId) await this.reattach(entry);
    else this.submitted += 1;
  }

  /** The job may have existed before this submission: serve its result if it finished, retry it if the queue failed it, else wait. */
  private async reattach(entry: Pending): Promise<void> {
    const found = await Job.fromId(this.queue, entry.job.jobId);
    if (!found) return this.readd(entry);
    if (found.timestamp < entry.submittedAt) this.reattached += 1;
    else this.submitted += 1;
    const state = await found.getState();
    if (state === 'completed') this.settle(entry.job.jobId, found.returnvalue);
    else if (state === 'failed') {
      await found.remove();
      await this.readd(entry);
    }
  }

  private jobOptions(job: LeafJob) {
    return { jobId: job.jobId, removeOnComplete: { age: this.options.keepFinishedSeconds }, removeOnFail: { age: this.options.keepFinishedSeconds } };
  }

  private async readd(entry: Pending): Promise<void> {
    await this.queue.add('leaf', entry.job, this.jobOptions(entry.job));
  }

  private onProgress(text: string): void {
    const message = parseProgressMessage(text);
    if (!message) return;
    const entry = this.pending.get(message.jobId);
    if (!entry) return;
    for (const listener of entry.listeners) {
      switch (message.type) {
        case 'placed':
          listener.placed(message.worker);
          break;
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

  /** The first outcome of a job settles it; any later one (a redelivered job finishing again) is counted and dropped. */
  private settle(jobId: string, returnvalue: unknown): void {
    const entry = this.pending.get(jobId);
    if (!entry) {
      if (this.settled.has(jobId)) this.duplicatesDiscarded += 1;
      return;
    }
    this.pending.delete(jobId);
    this.settled.add(jobId);
    const outcome = parseOutcome(returnvalue);
    if (!outcome) {
      entry.resolve({ type: 'threw', message: `the worker returned an unreadable result for job ${jobId}`, worker: UNKNOWN_WORKER });
      return;
    }
    resolveArtifacts(this.redis, this.keys, outcome).then(entry.resolve, (error: unknown) =>
      entry.resolve({ type: 'threw', message: error instanceof Error ? error.message : String(error), worker: outcome.worker }),
    );
  }

  private onFailed(jobId: string, failedReason: string): void {
    const entry = this.pending.get(jobId);
    if (!entry) return;
    if (entry.cancelRequested) this.settle(jobId, { type: 'stopped', message: failedReason, artifacts: [], worker: UNKNOWN_WORKER });
    else this.settle(jobId, { type: 'threw', message: `the queue failed the job: ${failedReason}`, worker: UNKNOWN_WORKER });
  }

  private fail(entry: Pending, error: unknown): void {
    if (this.pending.get(entry.job.jobId) !== entry) return;
    this.pending.delete(entry.job.jobId);
    entry.reject(error);
  }

  /** Tells every worker to stop the job; a job no worker holds yet is removed and settles at once. */
  private async cancel(entry: Pending, reason: unknown): Promise<void> {
    if (this.pending.get(entry.job.jobId) !== entry || entry.cancelRequested) return;
    entry.cancelRequested = true;
    const { jobId } = entry.job;
    const message = reasonText(reason);
    try {
      await this.redis.set(this.keys.cancelled(jobId), message, 'EX', this.options.keepFinishedSeconds);
      await this.redis.publish(this.keys.cancelChannel, JSON.stringify({ jobId, reason: message }));
      const removed = await this.queue.remove(jobId);
      if (removed === 1) this.settle(jobId, { type: 'stopped', message, artifacts: [], worker: UNKNOWN_WORKER });
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
    void this.storeRunContext().then(() => this.reconcile([...this.pending.values()]), () => undefined);
  }

  private watchAvailability(): void {
    if (this.unavailableSince === null) return;
    const waited = this.now() - this.unavailableSince;
    if (waited < this.options.unavailableTimeoutMs) return;
    const error = new QueueUnavailableError(this.address.display, `the queue at ${this.address.display} has been unreachable for ${Math.round(waited / 1000)} s (queue.unavailable_timeout_secs is ${Math.round(this.options.unavailableTimeoutMs / 1000)})`);
    for (const entry of [...this.pending.values()]) this.fail(entry, error);
  }

  /** A safety net for events lost in an outage: jobs pending for long get their state read back. */
  private async sweep(): Promise<void> {
    if (this.unavailableSince !== null || this.closed) return;
    const old = [...this.pending.values()].filter((entry) => this.now() - entry.submittedAt > SWEEP_INTERVAL_MS).slice(0, SWEEP_BATCH);
    await this.reconcile(old);
  }

  private async reconcile(entries: readonly Pending[]): Promise<void> {
    for (const entry of entries) {
      if (this.pending.get(entry.job.jobId) !== entry) continue;
      try {
        const found = await Job.fromId(this.queue, entry.job.jobId);
        if (!found) {
          await this.readd(entry); // Redis lost it (restarted without persistence)
          continue;
        }
        const state = await found.getState();
        if (state === 'completed') this.settle(entry.job.jobId, found.returnvalue);
        else if (state === 'failed') this.onFailed(entry.job.jobId, found.failedReason);
      } catch {
        return; // unreachable again; the next reconnect reconciles
      }
    }
  }
}

function parseOutcome(value: unknown): LeafJobOutcome | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  const outcome = parsed as Partial<LeafJobOutcome> | undefined;
  if (!outcome || typeof outcome !== 'object') return undefined;
  if (outcome.type === 'completed' && typeof outcome.result === 'object' && outcome.result !== null) return { ...outcome, worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  if (outcome.type === 'threw' && typeof outcome.message === 'string') return { ...outcome, worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  if (outcome.type === 'stopped' && typeof outcome.message === 'string') return { ...outcome, artifacts: outcome.artifacts ?? [], worker: outcome.worker ?? UNKNOWN_WORKER } as LeafJobOutcome;
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'object' && reason !== null && 'type' in reason) {
    const typed = reason as { type: string; message?: string };
    return typed.message ? `${typed.type}: ${typed.message}` : typed.type;
  }
  return String(reason ?? 'cancelled');
}
