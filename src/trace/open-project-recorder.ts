import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunEventSink } from '../engine/contracts/index.js';
import { openProjectTrace } from './open-project-trace.js';
import { projectTracePath, type TraceLocationOptions } from './project-trace-location.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { TraceSink } from './trace-sink.js';
import { WorkerTraceSink } from './worker-trace-sink.js';

/** A run's recording into the project trace: give `sink` to executeWorkflow, await `close()` after. */
export interface ProjectRecorder {
  readonly sink: RunEventSink;
  readonly databasePath: string;
  /** Resolves once every event is committed; then the trace is complete for readers. */
  close(): Promise<void>;
  /** The first write error, if any (the sink never throws into the engine). */
  readonly error: unknown;
}

/**
 * Opens the project trace for recording one run. By default the writes happen on a worker
 * thread (WorkerTraceSink), so tracing costs the engine one JSON.stringify per event;
 * `inline: true` writes on the caller's thread (TraceSink), which needs no worker.
 * The database is created and migrated here, before the run starts.
 */
export function openProjectRecorder(options: TraceLocationOptions & { readonly inline?: boolean }): ProjectRecorder {
  const databasePath = projectTracePath(options);
  if (databasePath !== ':memory:') mkdirSync(dirname(databasePath), { recursive: true });
  if (options.inline) {
    const store = openProjectTrace(options);
    const sink = new TraceSink(store);
    return {
      sink,
      databasePath,
      close: async () => {
        sink.close();
        store.close();
      },
      get error() {
        return sink.error;
      },
    };
  }
  // Migrate on this thread first, so the worker never races a reader over a fresh file.
  new SqliteTraceStore(databasePath).close();
  const sink = new WorkerTraceSink(databasePath, { env: options.env ?? process.env });
  return {
    sink,
    databasePath,
    close: () => sink.close(),
    get error() {
      return sink.error;
    },
  };
}
