import type { RunEventSink } from '../engine/contracts/index.js';
import { RecordingFailure, type TraceWriteError } from './recording-failure.js';
import { ReferencingReplaySink, type RecordedSource } from './referencing-replay-sink.js';
import type { SqliteTraceStore } from './sqlite-trace-store.js';
import { TraceSink } from './trace-sink.js';
import { WorkerTraceSink } from './worker-trace-sink.js';

export interface ReplayByReferenceOptions {
  /** The project trace (writable), which holds the run being replayed. */
  readonly store: SqliteTraceStore;
  /** The run being replayed, read with its rows noted (readRecordedRun with `rows`). */
  readonly source: RecordedSource;
  /** Should the replay part from the recording, record the rest on a writer thread (a wide run) rather than inline. */
  readonly divergedOnThread?: boolean;
  /** The environment whose secret variables the writer thread redacts (as the store's redactor does). */
  readonly env?: NodeJS.ProcessEnv;
}

/** A replay's recording: give `sink` to replayRun, await `close()` after; like a ProjectRecorder. */
export interface ReplayRecorder {
  readonly sink: RunEventSink;
  /** Aborted at the first write failure (pass it to replayRun: a replay that cannot record stops). */
  readonly failed: AbortSignal;
  readonly error: TraceWriteError | undefined;
  /** Events recorded by reference, not as rows. */
  readonly referenced: number;
  close(): Promise<void>;
}

/**
 * Records a pure replay (no `--from`, no `--allow-live`) of a run in the same store by reference
 * (ReferencingReplaySink): its own rows are few and written inline, on the caller's thread, so no
 * writer thread starts unless the replay parts from the recording, and then only for a wide run.
 */
export function recordReplayByReference(options: ReplayByReferenceOptions): ReplayRecorder {
  const failure = new RecordingFailure();
  const onError = (error: unknown): void => failure.report(error);
  const own = new TraceSink(options.store, { onError });
  let thread: WorkerTraceSink | undefined;
  const sink = new ReferencingReplaySink({
    store: options.store,
    sink: own,
    source: options.source,
    onError,
    ...(options.divergedOnThread ? { divergedSink: () => (thread = new WorkerTraceSink(options.store.path, { env: options.env ?? process.env, onError })) } : {}),
  });
  return {
    sink,
    failed: failure.signal,
    get error() {
      return failure.error;
    },
    get referenced() {
      return sink.referenced;
    },
    close: async () => {
      sink.flush();
      own.close();
      await thread?.close();
    },
  };
}
