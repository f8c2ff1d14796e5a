import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { FifoSemaphore, type LeafPlacement, type LeafRunner } from '../../engine/index.js';
import type { RemoteMemo } from '../../memo/index.js';
import { SecretRedactor } from '../../util/index.js';
import { executeLeafJob } from '../execute-leaf-job.js';
import { leafJobSchema, type LeafJob } from '../leaf-job.js';
import type { LeafJobListener, LeafJobOutcome } from '../leaf-job-outcome.js';
import { LeafStopSwitch } from '../leaf-stop-switch.js';
import { queueRunContextSchema, runContextIdOfText, type QueueRunContext } from '../queue-run-context.js';
import { RunContextCache, type Closable } from '../run-context-cache.js';
import type { WorkerCeiling } from '../worker-ceiling.js';
import { stashArtifacts } from './artifact-blobs.js';
import { finishedMembers } from './batch-outcomes.js';
import { leafBatchSchema, type LeafBatchSummary } from './leaf-batch.js';
import { RedisRemoteMemo } from './memo-over-redis.js';
import { openRedis } from './open-redis.js';
import { QUEUE_PREFIX, queueKeys, type QueueKeys } from './queue-keys.js';
import { connectionOptions, parseRedisUrl } from './redis-url.js';
import { RunChannelWriter } from './run-channel-writer.js';
import { wakeIntake } from './wake-intake.js';
import { parseCancelMessage, type ProgressMessage } from './wire-messages.js';
import { publishWorkerInfo, removeWorkerInfo, type WorkerInfo } from './worker-registry.js';

export interface BullmqLeafWorkerOptions {
  readonly url: string;
  readonly queueName: string;
  readonly concurrency: number;
  readonly ceiling: WorkerCeiling;
  /**
   * The leaf runner for a run's settings (mock, or real leaves in a checkout of its base commit);
   * `remoteMemo` reaches the memo of the run's coordinator when the settings say it serves one.
   */
  readonly runnerFor: (context: QueueRunContext, services: { readonly remoteMemo?: RemoteMemo }) => Promise<LeafRunner & Partial<Closable>>;
  /**
   * How many runs' contexts (settings, runtime, checkout) the worker keeps at most; a context is
   * dropped, least recently used first, only while none of its leaves runs (default 8).
   */
  readonly cachedRuns?: number;
  /**
   * How long a job's lock lasts without renewal: a worker killed mid-leaf is noticed, and its
   * job handed to another worker, within about this time (plus half of it for the check).
   */
  readonly stallTimeoutMs: number;
  readonly keepFinishedSeconds: number;
  readonly connectTimeoutMs?: number;
  readonly host?: string;
  readonly log?: (line: string) => void;
}

const HEARTBEAT_MS = 2_000;
/** Runs whose contexts a worker keeps when not told (`queue.worker_cached_runs`). */
export const DEFAULT_CACHED_RUNS = 8;
/** A worker waiting on the coordinator's memo gives up (and calls the provider itself) after this much silence. */
const MEMO_SILENCE_MS = 15_000;
/** A waiting worker pings, and a leading one renews its lead, this often (the coordinator's lease is 30 s). */
const MEMO_RENEW_MS = 5_000;

interface RunningJob {
  readonly jobId: string;
  readonly leafId: string;
  readonly runId: string;
  readonly startedAt: number;
}

/**
 * One `whaleflow worker` process: takes batches of leaf jobs from the BullMQ queue while it has a
 * free leaf slot, runs each member in one of its `concurrency` slots through executeLeafJob — the
 * same code as in-process, under the worker's ceiling — and records each member's outcome the
 * moment it finishes (first write wins). It reports placement, activity, spend and model waits on
 * the run's channel, stops a member when a cancel for it is published (or was marked before), and
 * says it is alive every two seconds for `whaleflow workers`.
 */
export class BullmqLeafWorker {
  readonly placement: LeafPlacement;
  private readonly keys: QueueKeys;
  private readonly running = new Map<string, RunningJob>();
  /** Every member of the batches held now, by job id: what a cancel message stops. */
  private readonly switches = new Map<string, LeafStopSwitch>();
  private readonly slots: FifoSemaphore;
  /** The worker's own secrets (its provider keys), kept out of what it sends back; one for the process (compiling it per leaf cost more than the leaf). */
  private readonly redactor = new SecretRedactor();
  private readonly channel: RunChannelWriter;
  /** Leaves of the batches held now (running or waiting for a slot) and those batches. */
  private held = 0;
  private activeBatches = 0;
  /** One leaf runner per run context, bounded (run-context-cache.ts): a long-lived worker does not grow with the runs it served. */
  private readonly runs: RunContextCache<LeafRunner & Closable>;
  private readonly startedAt = Date.now();
  private finished = 0;
  private discarded = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private worker: Worker | undefined;
  private remoteMemo: RedisRemoteMemo | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: BullmqLeafWorkerOptions,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
  ) {
    const host = options.host ?? hostname();
    this.placement = { workerId: `${host}-${process.pid}-${randomBytes(3).toString('hex')}`, host, pid: process.pid };
    this.keys = queueKeys(options.queueName);
    this.slots = new FifoSemaphore(options.concurrency);
    this.channel = new RunChannelWriter(redis, this.keys, options.keepFinishedSeconds, (count) => (this.discarded += count));
    this.runs = new RunContextCache({
      capacity: options.cachedRuns ?? DEFAULT_CACHED_RUNS,
      open: (contextId) => this.openRun(contextId),
      onCloseError: (contextId, error) => options.log?.(`run context ${contextId} was not released cleanly: ${error instanceof Error ? error.message : String(error)}`),
    });
  }

  static async start(options: BullmqLeafWorkerOptions): Promise<BullmqLeafWorker> {
    const address = parseRedisUrl(options.url);
    const redis = await openRedis(address, options.connectTimeoutMs ?? 10_000, 'worker');
    const subscriber = redis.duplicate();
    subscriber.on('error', () => undefined);
    const started = new BullmqLeafWorker(options, redis, subscriber);
    await started.begin(connectionOptions(address));
    return started;
  }

  private async begin(connection: Record<string, unknown>): Promise<void> {
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.remoteMemo?.channel) return this.remoteMemo.onMessage(text);
      const message = parseCancelMessage(text);
      if (message) this.switches.get(message.jobId)?.stop(new Error(message.reason));
    });
    await this.subscriber.subscribe(this.keys.cancelChannel);
    this.remoteMemo = await RedisRemoteMemo.open(this.redis, this.subscriber, this.keys, { silenceMs: MEMO_SILENCE_MS, renewEveryMs: MEMO_RENEW_MS, ...(this.options.log ? { log: this.options.log } : {}) });
    const worker = new Worker(this.options.queueName, (job: Job, token?: string, signal?: AbortSignal) => this.process(job, token, signal), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: 1, // in batches, raised while leaf slots are free (adjustIntake)
      name: this.placement.workerId,
      lockDuration: this.options.stallTimeoutMs,
      stalledInterval: Math.max(1_000, Math.round(this.options.stallTimeoutMs / 2)),
      maxStalledCount: 2,
      removeOnComplete: { age: this.options.keepFinishedSeconds },
      removeOnFail: { age: this.options.keepFinishedSeconds },
    });
    worker.on('error', (error: Error) => {
      // A result the queue refused because this worker lost the job's lock (another worker has it now).
      if (/lock/i.test(error.message)) this.discarded += 1;
      this.options.log?.(`queue error: ${error.message}`);
    });
    this.worker = worker;
    await worker.waitUntilReady();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
  }

  /** What `whaleflow workers` shows for this worker right now. */
  info(): WorkerInfo {
    return {
      ...this.placement,
      concurrency: this.options.concurrency,
      ceiling: this.options.ceiling,
      startedAt: this.startedAt,
      lastSeenAt: Date.now(),
      running: [...this.running.values()],
      finished: this.finished,
      discarded: this.discarded,
      cachedRuns: this.runs.size,
    };
  }

  /**
   * Stops taking jobs. By default it waits for the leaves it runs to finish; `cancelRunning`
   * stops them first (their jobs end as stopped).
   */
  stop(options: { readonly cancelRunning?: boolean } = {}): Promise<void> {
    if (options.cancelRunning) for (const stopSwitch of this.switches.values()) stopSwitch.stop(new Error('the worker is shutting down'));
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.worker?.close();
    // No leaf runs now: every run context's runtime and checkout can go.
    await this.runs.close();
    await removeWorkerInfo(this.redis, this.keys, this.placement.workerId).catch(() => undefined);
    this.remoteMemo?.close();
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async beat(): Promise<void> {
    await publishWorkerInfo(this.redis, this.keys, this.info()).catch(() => undefined);
  }

  private async process(job: Job, _token: string | undefined, signal: AbortSignal | undefined): Promise<LeafBatchSummary> {
    const parsed = leafBatchSchema.safeParse(job.data);
    if (!parsed.success) throw new Error(`worker ${this.placement.host}:${this.placement.pid} cannot read batch ${job.id}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
    const batch = { batchId: parsed.data.batchId, lineage: parsed.data.lineage };
    // What the free leaf slots can start now is kept; the rest is handed back unrun (splitByRoom),
    // when the batch's coordinator takes members back.
    const room = parsed.data.handBack ? this.options.concurrency - this.held : Number.POSITIVE_INFINITY;
    const { kept: members, handedBack } = splitByRoom(parsed.data.members.map((raw) => readMember(raw)), room);
    // Synchronously, before the main loop asks for another batch: this one holds its leaves' slots.
    this.held += members.length;
    this.activeBatches += 1;
    this.adjustIntake();
    const switches = new Map<string, LeafStopSwitch>();
    // The batch's signal stops every member still held: one listener for the batch. BullMQ 6 aborts it
    // only through Worker.cancelJob/cancelAllJobs (neither a lost lock nor close() does), which this
    // worker does not call today; its own shutdown stops members through their switches (stop()).
    const stopAll = (): void => switches.forEach((stopSwitch) => stopSwitch.stop(signal?.reason));
    signal?.addEventListener('abort', stopAll, { once: true });
    try {
      for (const member of members) if (member.job) switches.set(member.job.jobId, this.stopSwitchFor(member.job.jobId, signal));
      const jobIds = members.flatMap((member) => (member.job ? [member.job.jobId] : []));
      // A redelivered batch (its worker died, or BullMQ thought so) skips what was recorded; a first
      // delivery has nothing recorded, so it starts without a round trip.
      const redelivered = job.attemptsStarted > 1 || job.stalledCounter > 0;
      const finished = redelivered ? await finishedMembers(this.redis, this.keys, batch.batchId) : new Set<string>();
      this.stopMarked(jobIds, switches);
      const toRun = members.filter((member) => !finished.has(member.jobId));
      if (toRun.length > 0) this.channel.publish(batch.lineage, { type: 'placed', jobIds: toRun.map((member) => member.jobId), worker: this.placement });
      for (const member of members) if (finished.has(member.jobId)) this.releaseLeaf();
      const givenBack = handedBack.filter((member) => !finished.has(member.jobId)).map((member) => this.channel.record(batch, { jobId: member.jobId, handedBack: batch.batchId }));
      await Promise.all([...toRun.map((member) => this.runMember(batch, member, switches.get(member.jobId))), ...givenBack]);
      return { batchId: batch.batchId, members: members.length + handedBack.length, ran: toRun.length };
    } finally {
      signal?.removeEventListener('abort', stopAll);
      for (const jobId of switches.keys()) this.switches.delete(jobId);
      this.activeBatches -= 1;
      this.adjustIntake();
    }
  }

  /** Runs one member in one of the worker's leaf slots and records its outcome. */
  private async runMember(batch: { readonly batchId: string; readonly lineage: string }, member: BatchMember, stopSwitch: LeafStopSwitch | undefined): Promise<void> {
    const worker = this.placement;
    let outcome: LeafJobOutcome;
    try {
      if (!member.job || !stopSwitch) outcome = { type: 'threw', message: `worker ${worker.host}:${worker.pid} cannot read job ${member.jobId}: ${member.problem}`, worker };
      else {
        await this.slots.acquire();
        try {
          outcome = await this.runJob(member.job, stopSwitch);
        } finally {
          this.slots.release();
        }
      }
    } catch (error) {
      outcome = { type: 'threw', message: error instanceof Error ? error.message : String(error), worker };
    }
    try {
      await this.channel.record(batch, { jobId: member.jobId, outcome });
    } finally {
      this.releaseLeaf();
    }
  }

  private async runJob(leafJob: LeafJob, stopSwitch: LeafStopSwitch): Promise<LeafJobOutcome> {
    const worker = this.placement;
    if (stopSwitch.aborted) return { type: 'stopped', message: reasonOf(stopSwitch.reason), artifacts: [], worker };
    this.running.set(leafJob.jobId, { jobId: leafJob.jobId, leafId: leafJob.leaf.id, runId: leafJob.runId, startedAt: Date.now() });
    try {
      let run: { readonly value: LeafRunner; release(): void };
      try {
        run = await this.runs.acquire(leafJob.runContext);
      } catch (error) {
        return { type: 'threw', message: `worker ${worker.host}:${worker.pid} cannot run leaf ${leafJob.leaf.id}: ${error instanceof Error ? error.message : String(error)}`, worker };
      }
      // The lease keeps the run's context (its checkout) from being dropped while the leaf runs.
      try {
        this.options.log?.(`leaf ${leafJob.leaf.id} of run ${leafJob.runId.slice(0, 8)} started`);
        const outcome = await executeLeafJob(leafJob, { runner: run.value, ceiling: this.options.ceiling, worker, now: Date.now, redactor: this.redactor }, this.listenerFor(leafJob), stopSwitch);
        this.options.log?.(`leaf ${leafJob.leaf.id} of run ${leafJob.runId.slice(0, 8)} ${outcome.type === 'completed' ? outcome.result.status : outcome.type}`);
        return await stashArtifacts(this.redis, this.keys, outcome, this.options.keepFinishedSeconds);
      } finally {
        run.release();
      }
    } finally {
      this.running.delete(leafJob.jobId);
      this.finished += 1;
    }
  }

  /**
   * A cancel published before this worker held the batch is marked in Redis: read while the members
   * start (off the batch's critical path), a marked member is stopped at once — within one round
   * trip of its start, before it can finish.
   */
  private stopMarked(jobIds: readonly string[], switches: ReadonlyMap<string, LeafStopSwitch>): void {
    if (jobIds.length === 0) return;
    this.channel.read(jobIds.map((id) => this.keys.cancelled(id))).then(
      (markers) =>
        markers.forEach((marker, index) => {
          if (marker !== null) switches.get(jobIds[index]!)?.stop(new Error(marker));
        }),
      () => undefined,
    );
  }

  /** A member's own stop switch, flipped by a cancel for its job id or by the whole batch stopping (shutdown). */
  private stopSwitchFor(jobId: string, batchSignal: AbortSignal | undefined): LeafStopSwitch {
    const stopSwitch = new LeafStopSwitch();
    if (batchSignal?.aborted) stopSwitch.stop(batchSignal.reason);
    this.switches.set(jobId, stopSwitch);
    return stopSwitch;
  }

  private releaseLeaf(): void {
    const hadFreeSlot = this.held < this.options.concurrency;
    this.held -= 1;
    this.adjustIntake();
    // The first slot freed while a batch still runs: BullMQ's loop would not ask for another batch
    // before that whole batch is done.
    if (!hadFreeSlot && this.activeBatches > 0 && this.worker) wakeIntake(this.worker);
  }

  /**
   * BullMQ's concurrency counts jobs, a worker's `--concurrency` counts leaves: the worker asks for
   * one more batch only while it has a free leaf slot, so a batch goes to a worker that can start
   * it rather than waiting behind another worker's leaves (at most a batch's size minus one leaf
   * waits for a slot here).
   */
  private adjustIntake(): void {
    if (!this.worker) return;
    const free = this.options.concurrency - this.held;
    this.worker.concurrency = Math.max(1, this.activeBatches + (free > 0 ? 1 : 0));
  }

  private listenerFor(job: LeafJob): LeafJobListener {
    const publish = (message: ProgressMessage): void => this.channel.publish(job.lineage, message);
    return {
      placed: (worker) => publish({ type: 'placed', jobIds: [job.jobId], worker }),
      activity: (message) => publish({ type: 'activity', jobId: job.jobId, message }),
      spend: (usage) => publish({ type: 'spend', jobId: job.jobId, usage }),
      modelWait: (state) => publish({ type: 'model', jobId: job.jobId, state }),
    };
  }

  /** A run context's leaf runner: the run's settings from Redis, checked against their id, then the runner for them. */
  private async openRun(contextId: string): Promise<LeafRunner & Closable> {
    const text = await this.redis.get(this.keys.runContext(contextId));
    if (text === null) throw new Error(`the run's settings (${contextId.slice(0, 80)}) are not in the queue; has the run expired?`);
    // The id is the hash of the settings (queueRunContextId): a job cannot name settings stored under another id.
    if (runContextIdOfText(text) !== contextId) throw new Error(`the run's settings stored as ${contextId.slice(0, 80)} do not match that id`);
    const context = queueRunContextSchema.parse(JSON.parse(text)) as QueueRunContext;
    const runner = await this.options.runnerFor(context, this.remoteMemo ? { remoteMemo: this.remoteMemo } : {});
    const log = this.options.log;
    return {
      run: (input, runContext) => runner.run(input, runContext),
      close: async () => {
        await runner.close?.();
        log?.(`dropped the context of ${contextId} (no leaf of it runs; at most ${this.options.cachedRuns ?? DEFAULT_CACHED_RUNS} kept)`);
      },
    };
  }
}

interface BatchMember {
  readonly jobId: string;
  readonly job?: LeafJob;
  readonly problem?: string;
}

/**
 * The members a worker with `room` free leaf slots keeps — as many as it can start now, in the
 * batch's order, plus any it cannot read (they fail at once and take no slot) — and those it hands
 * back unrun. A batch larger than the room came from a race between workers (the coordinator
 * sizes batches to the slots a worker just freed, but any waiting worker may take one): holding
 * the rest would keep those leaves waiting behind this worker's running ones while another worker
 * has free slots. The coordinator queues what is handed back again.
 */
function splitByRoom(members: readonly BatchMember[], room: number): { kept: BatchMember[]; handedBack: BatchMember[] } {
  const kept: BatchMember[] = [];
  const handedBack: BatchMember[] = [];
  let free = Math.max(0, room);
  for (const member of members) {
    if (!member.job) kept.push(member);
    else if (free > 0) {
      free -= 1;
      kept.push(member);
    } else handedBack.push(member);
  }
  return { kept, handedBack };
}

/** A member the worker cannot parse fails alone, under whatever job id it names. */
function readMember(raw: unknown): BatchMember {
  const parsed = leafJobSchema.safeParse(raw);
  if (parsed.success) return { jobId: parsed.data.jobId, job: parsed.data as LeafJob };
  const jobId = typeof (raw as { jobId?: unknown } | null)?.jobId === 'string' ? (raw as { jobId: string }).jobId : 'unknown';
  return { jobId, problem: parsed.error.issues[0]?.message ?? 'malformed' };
}

function reasonOf(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'cancelled';
}
