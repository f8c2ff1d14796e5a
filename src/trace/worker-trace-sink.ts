import type { Worker } from 'node:worker_threads';
import type { RunEvent, RunEventSink } from '../engine/contracts/index.js';
import { ProjectDatabaseError, secretVariables } from '../util/index.js';
import { FlushSchedule } from './flush-schedule.js';
import { SerializedBatchBuilder } from './stored-event-codec.js';
import { CommittedEvents, DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_BATCH_SIZE, type TraceSinkOptions } from './trace-sink.js';
import { TraceWriterThread } from './trace-writer-thread.js';
import type { TraceWriterOpen, TraceWriterReply, TraceWriterRequest, WriteFailure } from './trace-writer-worker.js';
import { WRITER_PROGRESS_SLOTS, WriterProgressSlot } from './writer-progress-slots.js';


/**
 * How far the engine may run ahead of the writer: this many full batches' worth of events
 * (32,000 at the default size; their rows wait serialized in the writer's queue, ~0.5 MB a
 * batch). The writer keeps up on average but stalls for tens of milliseconds at a time (a run's
 * spec blob, a checkpoint's syncs): at 4 the engine's thread waited those stalls out (~90 ms of
 * a 10,000-leaf run at L=0), at 16 the writer catches up while the engine works.
 */
export const MAX_BATCHES_AHEAD = 16;
/**
 * The window while a committed-observer listens (the events themselves are then held on this
 * thread until written), and for a caller that asks for it (narrowBacklog).
 */
export const NARROW_BATCHES_AHEAD = 4;
const WRITER_STALL_MS = 5_000;
/**
 * How long a writer may take to start (load its modules, open the database) before backpressure
 * stops waiting for it. Longer than a stall: on a loaded machine a thread's start (under vitest it
 * also compiles TypeScript) has taken more than WRITER_STALL_MS, and backpressure then ended for
 * the whole run. A start that fails says so at once (see the writer).
 */
const WRITER_START_MS = 60_000;

export interface WorkerTraceSinkOptions extends TraceSinkOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly blobThresholdBytes?: number;
  /** A thread started earlier (see TraceWriterThread); by default the sink starts its own. */
  readonly thread?: TraceWriterThread;
  /**
   * At most NARROW_BATCHES_AHEAD batches ahead of the writer instead of MAX_BATCHES_AHEAD: for a
   * caller whose writer is the slower thread and who keeps memory small (`whaleflow run`), where
   * a wider window only holds more rows in the queue.
   */
  readonly narrowBacklog?: boolean;
}

/** A batch posted and not yet acknowledged: what `committed` and `onCommitted` need of it. */
interface PostedBatch {
  readonly count: number;
  readonly startsRun: boolean;
  /** Kept only when someone listens (onCommitted): otherwise no event outlives its emit. */
  readonly events: readonly RunEvent[] | undefined;
}

/**
 * A sink whose writes happen on a worker thread with its own SQLite connection, so the engine's
 * thread only serializes each event (one JSON.stringify, as it is emitted) and never waits for
 * SQLite. Same batching as TraceSink (FlushSchedule): effect_completed is posted at the end of
 * the current turn, run_finished at once; the worker writes each batch in one transaction as it
 * arrives. A batch crosses as columns (SerializedBatch), not as an object per event.
 * A crash loses at most the batches posted but not yet written (milliseconds of work).
 * Call `close()` (async) at run end: it waits until everything is written.
 *
 * A failed write (a full disk, a damaged database) crosses back as the store's own error
 * (a ProjectDatabaseError naming the file) through `onError`, once; the writer then writes
 * nothing more of the run but a run_finished marked failed, if it can (see the worker).
 */
export class WorkerTraceSink implements RunEventSink {
  private readonly worker: Worker;
  private readonly schedule: FlushSchedule;
  private pending = new SerializedBatchBuilder();
  private pendingEvents: RunEvent[] | undefined;
  private pendingStartsRun = false;
  private posted = 0;
  private written = 0;
  private failure: unknown;
  private readonly waiters: { readonly upTo: number; readonly resolve: () => void }[] = [];
  private closed: Promise<void> | undefined;
  private readonly inFlight = new Map<number, PostedBatch>();
  /** What the writer stores from its own thread (see WriterProgressSlot). */
  private readonly progress = new Int32Array(new SharedArrayBuffer(WRITER_PROGRESS_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  /** Batches up to this id are counted and heard (settleCommitted or onReply). */
  private settledThrough = 0;
  /** Set once the writer made no progress for a whole wait: backpressure stops rather than hang. */
  private writerStalled = false;
  /** Events posted so far, and the events the writer had of them through each batch not yet seen finished. */
  private postedEvents = 0;
  private writtenEvents = 0;
  private readonly postedThrough: { readonly id: number; readonly events: number }[] = [];
  private readonly maxEventsAhead: number;
  private sentStart = false;
  readonly committed = new CommittedEvents();

  constructor(
    databasePath: string,
    private readonly options: WorkerTraceSinkOptions = {},
  ) {
    // The secret variables as this thread knows them (the list and the configuration's key
    // variables registered here); the worker redacts exactly these values.
    const secretEnv = secretVariables(options.env ?? process.env);
    const open: TraceWriterOpen = { type: 'open', databasePath, secretEnv, progress: this.progress.buffer as SharedArrayBuffer, ...(options.blobThresholdBytes !== undefined ? { blobThresholdBytes: options.blobThresholdBytes } : {}) };
    const { worker, startError } = (options.thread ?? new TraceWriterThread()).take();
    this.worker = worker;
    this.worker.on('message', (reply: TraceWriterReply) => this.onReply(reply));
    // The worker itself died (it could not even open the database): nothing will be written.
    const died = (error: unknown): void => {
      this.fail(error);
      this.release(Number.POSITIVE_INFINITY);
    };
    this.worker.on('error', died);
    if (startError !== undefined) {
      // It died before this sink took it: backpressure must not wait for its start either.
      Atomics.store(this.progress, WriterProgressSlot.started, 1);
      Atomics.store(this.progress, WriterProgressSlot.refused, 1);
      Atomics.store(this.progress, WriterProgressSlot.finished, 0x7fffffff);
      died(startError);
    } else this.worker.postMessage(open);
    const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    this.schedule = new FlushSchedule(() => this.flush(), options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, maxBatchSize);
    this.maxEventsAhead = (options.onCommitted || options.narrowBacklog ? NARROW_BATCHES_AHEAD : MAX_BATCHES_AHEAD) * maxBatchSize;
    if (options.onCommitted) this.pendingEvents = [];
  }

  emit(event: RunEvent): void {
    // Serialized now, so the event object dies young instead of waiting for its batch.
    this.pending.add(event);
    this.pendingEvents?.push(event);
    // run_started goes to the writer alone, at once: it holds the spec (4 MB at 10,000 leaves,
    // a blob to hash and store, and a checkpoint's worth of pages), which the writer then stores
    // while this thread emits the next batch, instead of after it with that batch's rows.
    if (event.type === 'run_started') this.pendingStartsRun = true;
    if (this.schedule.afterEmit(event.type, this.pending.length) || event.type === 'run_started') this.flush();
  }

  private flush(): void {
    this.schedule.clear();
    if (this.pending.length === 0) return;
    const id = ++this.posted;
    const count = this.pending.length;
    const request: TraceWriterRequest = { type: 'batch', id, batch: this.pending.take() };
    const startsRun = this.pendingStartsRun;
    this.inFlight.set(id, { count, startsRun, events: this.pendingEvents });
    this.pendingStartsRun = false;
    if (this.pendingEvents) this.pendingEvents = [];
    try {
      this.worker.postMessage(request);
      this.sentStart ||= startsRun;
      this.postedEvents += count;
      this.postedThrough.push({ id, events: this.postedEvents });
      this.waitForWriter();
    } catch (error) {
      // Not sent (it cannot be cloned, the worker is gone): never thrown into the engine.
      this.inFlight.delete(id);
      this.fail(error);
      this.written = id;
      this.release(id);
    }
  }

  /**
   * Backpressure: a run that emits faster than SQLite takes its rows (zero-latency leaves, a
   * loaded machine) may be at most MAX_BATCHES_AHEAD (or NARROW_) full batches' worth of events ahead of the
   * writer; beyond that this thread waits for it. Otherwise every row not yet written waits in
   * the worker's queue — at 100,000 leaves most of the run, hundreds of MB. Counted in events,
   * not batches: a run of slow leaves posts a small batch every turn, and counting those as
   * batches stopped the engine (its timers too) while the writer was still starting. The wait
   * blocks only the engine's thread, on a counter the writer updates after each batch; a writer
   * that makes no progress for WRITER_STALL_MS once started, or WRITER_START_MS before (it died,
   * and its error is on its way), ends backpressure for this sink.
   */
  private waitForWriter(): void {
    while (!this.writerStalled) {
      const finished = Atomics.load(this.progress, WriterProgressSlot.finished);
      this.settleCommitted(finished);
      while (this.postedThrough.length > 0 && this.postedThrough[0]!.id <= finished) this.writtenEvents = this.postedThrough.shift()!.events;
      if (this.postedEvents - this.writtenEvents <= this.maxEventsAhead) return;
      const outcome =
        Atomics.load(this.progress, WriterProgressSlot.started) === 0
          ? Atomics.wait(this.progress, WriterProgressSlot.started, 0, WRITER_START_MS)
          : Atomics.wait(this.progress, WriterProgressSlot.finished, finished, WRITER_STALL_MS);
      if (outcome === 'timed-out') this.writerStalled = true;
    }
  }

  /**
   * Counts, and hands to onCommitted, the batches the writer finished without refusing any up to
   * them, as the engine emits: its replies arrive as messages, which a run of zero-latency leaves
   * (all microtasks) reads only when it ends, so every event a listener (the CLI's progress) wants
   * would be held until then — at 100,000 leaves, 400,000 event objects. A refused batch and
   * those after it are left to onReply, which carries the writer's error.
   */
  private settleCommitted(finished: number): void {
    const refused = Atomics.load(this.progress, WriterProgressSlot.refused);
    const through = refused === 0 ? finished : Math.min(finished, refused - 1);
    for (let id = this.settledThrough + 1; id <= through; id += 1) this.settle(id);
    this.settledThrough = Math.max(this.settledThrough, through);
  }

  private settle(id: number): void {
    const batch = this.inFlight.get(id);
    if (!batch) return;
    this.inFlight.delete(id);
    this.committed.addCount(batch.count, batch.startsRun);
    if (batch.events) this.options.onCommitted?.(batch.events);
  }

  private onReply(reply: TraceWriterReply): void {
    if (reply.type === 'closed') return;
    if (reply.type === 'failed') {
      this.inFlight.delete(reply.id);
      this.fail(errorOf(reply.failure));
    } else this.settle(reply.id);
    this.written = reply.id;
    this.release(this.written);
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.options.onError?.(error);
  }

  private release(upTo: number): void {
    for (let index = this.waiters.length - 1; index >= 0; index--) {
      if (this.waiters[index]!.upTo <= upTo) this.waiters.splice(index, 1)[0]!.resolve();
    }
  }

  /** Resolves once everything emitted so far is in the database. */
  drain(): Promise<void> {
    this.flush();
    if (this.written >= this.posted || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.posted, resolve }));
  }

  /**
   * Whether the batch holding run_started has left this thread for the writer: from then on
   * this thread holds nothing of it (its spec text was serialized into the message).
   */
  get startSent(): boolean {
    return this.sentStart;
  }

  /** The first write error, if any. */
  get error(): unknown {
    return this.failure;
  }

  /** Whether the writer's start is over (its connection open, or refused): see WriterProgressSlot.started. */
  get writerStarted(): boolean {
    return Atomics.load(this.progress, WriterProgressSlot.started) === 1;
  }

  /**
   * Writes everything, closes the worker's connection and stops the worker. The close follows
   * the last batch at once: the writer takes its messages in order, so it writes every batch
   * before it closes, and its replies to them come before `closed` (one round trip, not two).
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.flush();
      await new Promise<void>((resolve) => {
        // A writer that died (its database refused at its open) has already said 'exit', and
        // says nothing more: waiting for either would never end (threadId is -1 once it is gone).
        if (this.worker.threadId === -1) return resolve();
        const onClosed = (reply: TraceWriterReply): void => {
          if (reply.type !== 'closed') return;
          this.worker.off('message', onClosed);
          resolve();
        };
        this.worker.on('message', onClosed);
        this.worker.once('exit', () => resolve());
        this.worker.postMessage({ type: 'close' } satisfies TraceWriterRequest);
      });
      // Its connection is closed and everything is written: the thread's own teardown (tens of
      // milliseconds) need not hold up the run's end, nor keep the process alive.
      this.worker.unref();
      void this.worker.terminate();
    })();
    return this.closed;
  }
}

function errorOf(failure: WriteFailure): Error {
  if (!failure.database) return new Error(failure.message);
  return new ProjectDatabaseError(failure.database.path, failure.database.problem, failure.database.code, failure.message);
}
