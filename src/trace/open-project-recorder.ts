import { existsSync, lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEvent, RunEventSink } from '../engine/contracts/index.js';
import { ensureStateDirectory } from '../util/index.js';
import { SecretRedactor } from './redact-secrets.js';
import { projectTracePath, type TraceLocationOptions } from './project-trace-location.js';
import { RecordingFailure, type TraceWriteError } from './recording-failure.js';
import { readSqliteFileHeader } from './sqlite-file-header.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { keepStatementJournalsInMemory, openTraceDatabase, unwritableReason } from './open-trace-database.js';
import { TRACE_SCHEMA_VERSION } from './trace-migrations.js';
import { TraceSink } from './trace-sink.js';
import { TraceWriterThread } from './trace-writer-thread.js';
import { WorkerTraceSink } from './worker-trace-sink.js';

/** A run's recording into the project trace: give `sink` to executeWorkflow, await `close()` after. */
export interface ProjectRecorder {
  readonly sink: RunEventSink;
  readonly databasePath: string;
  /** Resolves once every event is committed (or failed); then the trace is complete for readers. */
  close(): Promise<void>;
  /**
   * Resolves once every event emitted so far is committed (or failed), before or after `close()`
   * was called, without waiting for the connections to close: the run command reports a run
   * while the writer's close checkpoints the WAL on its own thread.
   */
  committed(): Promise<void>;
  /** The first write error, if any (the sink never throws into the engine). Check it after `close()`. */
  readonly error: TraceWriteError | undefined;
  /**
   * Aborted (with a `trace_failure` CancelReason) at the first write failure: pass it to
   * executeWorkflow so a run that cannot record stops instead of running on unrecorded.
   */
  readonly failed: AbortSignal;
  /** Whether the run's start reached the database (a failure before it leaves nothing to resume). */
  readonly startRecorded: boolean;
  /** Whether this thread has handed run_started on (to the writer thread, or to the database when inline). */
  readonly startSent: boolean;
}

export interface ProjectRecorderOptions extends TraceLocationOptions {
  /** Write on the caller's thread instead of a worker thread. */
  readonly inline?: boolean;
  /**
   * Sinks that hear each event only once it is committed (progress shown to the user), so
   * nothing is reported done that the trace does not hold.
   */
  readonly committedObservers?: readonly RunEventSink[];
  /** The writer's thread, started earlier (see TraceWriterThread); by default one starts here. */
  readonly writerThread?: TraceWriterThread;
  /** Keep the run at most a few batches ahead of the writer (WorkerTraceSinkOptions.narrowBacklog). */
  readonly narrowBacklog?: boolean;
  /**
   * Open (create, migrate) the database on the caller's thread before returning, always: SQLite
   * itself then refuses a database that cannot be recorded into before anything runs, and a
   * connection the caller opens next does not race the writer over a new file (`whaleflow run`).
   * Otherwise the writer's thread opens a database alone when its file shows nothing to decide
   * (see writerMayOpenAlone).
   */
  readonly openOnCallerThread?: boolean;
}

/**
 * Opens the project trace for recording one run. By default the writes happen on a worker
 * thread (WorkerTraceSink), so tracing costs the engine one JSON.stringify per event;
 * `inline: true` writes on the caller's thread (TraceSink), which needs no worker.
 * A database this thread cannot vouch for from its file alone (see writerMayOpenAlone), and
 * every database with `openOnCallerThread`, is created and migrated here, before the run starts,
 * and refused here; otherwise the writer's thread opens it while the run starts, and a refusal
 * comes as a write failure (`failed`, `error`).
 */
export function openProjectRecorder(options: ProjectRecorderOptions): ProjectRecorder {
  const databasePath = projectTracePath(options);
  // WhaleFlow's own state directory ignores itself in git; an explicit --db file's directory is the user's.
  if (!options.databasePath && databasePath !== ':memory:') ensureStateDirectory(dirname(databasePath));
  const failure = new RecordingFailure();
  const onError = (error: unknown): void => failure.report(error);
  const observers = options.committedObservers ?? [];
  const onCommitted = (batch: readonly RunEvent[]): void => {
    for (const event of batch) for (const observer of observers) observer.emit(event);
  };
  if (options.inline) {
    // Not openProjectTrace: a recorder needs a writable database, so no read-only fallback.
    const store = new SqliteTraceStore(databasePath, { redactor: new SecretRedactor(options.env ?? process.env) });
    keepStatementJournalsInMemory(store.database);
    const sink = new TraceSink(store, { onError, onCommitted });
    return {
      sink,
      databasePath,
      close: async () => {
        sink.close();
        store.close();
      },
      committed: async () => sink.flush(),
      get error() {
        return failure.error;
      },
      failed: failure.signal,
      get startRecorded() {
        return sink.committed.startRecorded;
      },
      get startSent() {
        return sink.committed.startRecorded;
      },
    };
  }
  // The thread starts first: its start (tens of milliseconds on the other core) overlaps the
  // migration below instead of following it.
  const thread = options.writerThread ?? new TraceWriterThread();
  const setup = options.openOnCallerThread || !writerMayOpenAlone(databasePath) ? openSetupConnection(databasePath, options.writerThread ? undefined : thread) : undefined;
  // Without observers the sink keeps no event past its emit (a listener makes it hold each batch).
  const sink = new WorkerTraceSink(databasePath, { env: options.env ?? process.env, onError, ...(observers.length > 0 ? { onCommitted } : {}), ...(options.narrowBacklog ? { narrowBacklog: true } : {}), thread });
  return {
    sink,
    databasePath,
    close: async () => {
      // Once the writer's connection is open (or it failed to open), this one is not the
      // database's last and closes without a checkpoint of the WAL and its fsyncs.
      if (setup) {
        if (!sink.writerStarted) await sink.drain();
        setup.close();
      }
      await sink.close();
    },
    committed: () => sink.drain(),
    get error() {
      return failure.error;
    },
    failed: failure.signal,
    get startRecorded() {
      return sink.committed.startRecorded;
    },
    get startSent() {
      return sink.startSent;
    },
  };
}

/**
 * Creates and migrates the database on this thread, so the writer never races a reader over a
 * fresh file and a database that cannot be written is refused here, before the run starts. The
 * connection stays open until the run's end: closed first, as the database's last connection
 * it would checkpoint the WAL (two fsyncs, ~10-20 ms on a loaded disk) just before the writer
 * opens the file again. No statements are prepared on it (a store's ~30 are of no use here).
 */
function openSetupConnection(databasePath: string, ownThread: TraceWriterThread | undefined): { close(): void } {
  try {
    const { database } = openTraceDatabase(databasePath);
    return { close: () => database.close() };
  } catch (error) {
    ownThread?.discard();
    throw error;
  }
}

/**
 * Whether the writer's thread may open the database at `databasePath` alone, with nothing to
 * refuse on this thread first: no file yet in a writable directory (the writer creates it), or
 * a file at this schema version, whole, writable, with no WAL (whose pages could say otherwise),
 * and not reached through a symbolic link (whose WAL would be beside the link's target).
 * Opening here costs the run's start ~5-12 ms (SQLite's library, the file, a new database's
 * schema) that the writer's thread spends instead while the run starts. Anything else (an older
 * or newer schema, a WAL, a damaged or foreign file) is opened here, which refuses it as before.
 */
export function writerMayOpenAlone(databasePath: string): boolean {
  if (databasePath === ':memory:' || !writable(dirname(databasePath)) || existsSync(`${databasePath}-wal`)) return false;
  // A link's WAL is beside its target (SQLite names it after the resolved path), not beside the link.
  if (lstatSync(databasePath, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
  if (!existsSync(databasePath)) return true;
  const header = readSqliteFileHeader(databasePath);
  if (header === undefined || header.userVersion !== TRACE_SCHEMA_VERSION || header.pageCount === 0) return false;
  return header.size >= header.pageCount * header.pageBytes && writable(databasePath);
}

function writable(path: string): boolean {
  return unwritableReason(path) === undefined;
}
