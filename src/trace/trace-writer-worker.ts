// The worker thread behind WorkerTraceSink: owns one SQLite connection and appends each batch
// it receives in one transaction, then acknowledges it. Redaction and encoding happen here,
// off the engine's thread.
import { parentPort } from 'node:worker_threads';
import type { RunEvent } from '../engine/contracts/index.js';
import { describeError, ProjectDatabaseError, type DatabaseProblem } from '../util/index.js';
import { keepStatementJournalsInMemory } from './open-trace-database.js';
import { failedRunMarker } from './recording-failure.js';
import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { eventTypeCode } from './batch-columns.js';
import { batchEvent, serializeEvents, type SerializedBatch } from './stored-event-codec.js';
import { WriterProgressSlot } from './writer-progress-slots.js';

/** The first message: the database to write, and how (the thread may start before it is known, see TraceWriterThread). */
export interface TraceWriterOpen {
  readonly type: 'open';
  readonly databasePath: string;
  /** The secret variables of the caller's environment (see util/secrets), whose values are redacted. */
  readonly secretEnv: Readonly<Record<string, string>>;
  readonly blobThresholdBytes?: number;
  /** Where this writer stores its progress for the sink's backpressure (see WriterProgressSlot). */
  readonly progress: SharedArrayBuffer;
}

/**
 * The writer's SQLite page cache, in KiB: it appends rows at the end of the table and its
 * indexes, so it reads few pages back, and SQLite's default here (better-sqlite3 builds it with
 * 16 MiB) only grows the process by the size of what it writes (~16 MB at 10,000 leaves).
 */
const WRITER_PAGE_CACHE_KIB = 2048;

export type TraceWriterRequest = TraceWriterOpen | { readonly type: 'batch'; readonly id: number; readonly batch: SerializedBatch } | { readonly type: 'close' };
/** A write failure as it crosses back to the sink's thread (errors do not survive postMessage as classes). */
export interface WriteFailure {
  readonly message: string;
  /** Set when the store explained it (a ProjectDatabaseError): what is wrong with which file. */
  readonly database?: { readonly path: string; readonly problem: DatabaseProblem; readonly code: string };
}

export type TraceWriterReply =
  | { readonly type: 'written'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly failure: WriteFailure }
  | { readonly type: 'closed' };

/** Set by the 'open' message, which comes first. */
let progress: Int32Array;
let store: SqliteTraceStore;

/**
 * Opens the database, and says through the shared slots that the start is over: backpressure
 * waits longer for a start than for a batch. A database it cannot open ends the thread, which
 * the sink hears as an error once its thread turns; until then backpressure must not wait for
 * it: every batch counts as finished and the first as refused, so none counts as committed.
 */
function openStore(data: TraceWriterOpen): SqliteTraceStore {
  progress = new Int32Array(data.progress);
  try {
    const opened = new SqliteTraceStore(data.databasePath, {
      redactor: new SecretRedactor({}, Object.values(data.secretEnv)),
      pageCacheKib: WRITER_PAGE_CACHE_KIB,
      ...(data.blobThresholdBytes !== undefined ? { blobThresholdBytes: data.blobThresholdBytes } : {}),
    });
    keepStatementJournalsInMemory(opened.database);
    return opened;
  } catch (error) {
    Atomics.store(progress, WriterProgressSlot.refused, 1);
    Atomics.store(progress, WriterProgressSlot.finished, 0x7fffffff);
    Atomics.notify(progress, WriterProgressSlot.finished);
    throw error;
  } finally {
    Atomics.store(progress, WriterProgressSlot.started, 1);
    Atomics.notify(progress, WriterProgressSlot.started);
  }
}

function describeFailure(error: unknown): WriteFailure {
  if (error instanceof ProjectDatabaseError) return { message: error.message, database: { path: error.path, problem: error.problem, code: error.code } };
  return { message: describeError(error) };
}

/**
 * The first failed batch poisons the writer: later batches (some already posted before the
 * sink heard of the failure) are not written, so the log stays a clean prefix of the run
 * without holes. Only a run_finished is still tried, marked failed.
 */
let poisoned: WriteFailure | undefined;

function tryFailedMarker(batch: SerializedBatch): void {
  const finished = batch.types.indexOf(eventTypeCode('run_finished'));
  if (finished < 0) return;
  try {
    // The row body lacks the envelope (it is in the batch's columns): the marker is the whole event again.
    store.appendSerialized(serializeEvents([failedRunMarker(batchEvent(batch, finished) as Extract<RunEvent, { type: 'run_finished' }>)]));
  } catch {
    // The database refuses even this one row; the first failure already says why.
  }
}

parentPort!.on('message', (request: TraceWriterRequest) => {
  if (request.type === 'open') {
    store = openStore(request);
    return;
  }
  if (request.type === 'close') {
    clearTimeout(idleCheckpoint);
    // Closed before the reply: once the sink's close() resolves, no connection of this process
    // holds the file, so another copy of SQLite in the process (a caller's own better-sqlite3)
    // may open it at once (two copies' locks do not see each other).
    store.close();
    parentPort!.postMessage({ type: 'closed' } satisfies TraceWriterReply);
    return;
  }
  try {
    writeBatch(request);
  } finally {
    Atomics.store(progress, WriterProgressSlot.finished, request.id);
    Atomics.notify(progress, WriterProgressSlot.finished);
  }
  uncheckpointedEvents += request.batch.types.length;
  checkpointWhenIdle();
});

/** How long the writer has had nothing to write before it checkpoints the WAL (see checkpointWhenIdle). */
const IDLE_CHECKPOINT_MS = 4;
/** Events written since the last idle checkpoint below which none is worth its syncs (~300 KB of rows). */
const IDLE_CHECKPOINT_EVENTS = 256;
let idleCheckpoint: NodeJS.Timeout | undefined;
let uncheckpointedEvents = 0;

/**
 * Copies the WAL into the database once no batch has come for IDLE_CHECKPOINT_MS: while the run
 * waits on its leaves or its model, not at the close, which the run's caller waits for. Closing
 * the last connection checkpoints whatever the WAL still holds (and syncs it): after an idle
 * checkpoint, only what was written since. Only after IDLE_CHECKPOINT_EVENTS events, so a run
 * of slow leaves does not sync after every few rows.
 */
function checkpointWhenIdle(): void {
  clearTimeout(idleCheckpoint);
  if (poisoned || uncheckpointedEvents < IDLE_CHECKPOINT_EVENTS) return;
  idleCheckpoint = setTimeout(() => {
    idleCheckpoint = undefined;
    uncheckpointedEvents = 0;
    try {
      store.database.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A checkpoint that cannot run now is left to the next commit's or the close's.
    }
  }, IDLE_CHECKPOINT_MS);
}

function writeBatch(request: Extract<TraceWriterRequest, { type: 'batch' }>): void {
  if (!poisoned) {
    try {
      store.appendSerialized(request.batch);
      parentPort!.postMessage({ type: 'written', id: request.id } satisfies TraceWriterReply);
      return;
    } catch (error) {
      poisoned = describeFailure(error);
      Atomics.store(progress, WriterProgressSlot.refused, request.id);
    }
  }
  tryFailedMarker(request.batch);
  parentPort!.postMessage({ type: 'failed', id: request.id, failure: poisoned } satisfies TraceWriterReply);
}
