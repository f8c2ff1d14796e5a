// The trace: an append-only record of runs (events + content-addressed blobs) and what
// reads it back (replay and resume boundaries, export). See docs/trace.md.
export type {
  TraceStore,
  StoredEvent,
  EventQuery,
  RunSummary,
  NodeRunView,
  LeafRunView,
  CancelRequestRecord,
  RunSize,
  ReadableEvents,
  CompactionReport,
  CompactionOptions,
  CompactionEstimate,
} from './trace-store.js';
export { SqliteTraceStore, type SqliteTraceStoreOptions } from './sqlite-trace-store.js';
export { InMemoryTraceStore } from './in-memory-trace-store.js';
export { CommittedEvents, TraceSink, type TraceSinkOptions } from './trace-sink.js';
export { WorkerTraceSink } from './worker-trace-sink.js';
export { TraceWriterThread, type StartedWriterWorker } from './trace-writer-thread.js';
export { SecretRedactor, REDACTED } from './redact-secrets.js';
export { TRACE_MIGRATIONS, TRACE_SCHEMA_VERSION, migrateTraceDatabase, type TraceMigration } from './trace-migrations.js';
export { DEFAULT_BLOB_THRESHOLD_BYTES, isBlobReference, type BlobReference } from './stored-event-codec.js';
export { openProjectTrace, NoTraceDatabaseError } from './open-project-trace.js';
export { projectTracePath, TRACE_DIRECTORY_NAME, TRACE_DATABASE_NAME, type TraceLocationOptions } from './project-trace-location.js';
export { foldNodeRuns, foldLeafRuns, foldRunViews, NodeRunFold } from './fold-node-runs.js';
export { eventsOf } from './event-stream.js';
export { RunNotFoundError, AmbiguousRunReferenceError, TraceSchemaTooNewError, CorruptTraceError, BlobNotFoundError, DamagedEventError, BlobIntegrityError } from './trace-errors.js';
export { RecordedEffects, effectSlot, describeEffectPlace, type RecordedEffect, type RecordedEventFeed } from './recorded-effects.js';
export { RecordedCancels, type RecordedCancel } from './recorded-cancels.js';
export { ReplayBoundary, type ReplayBoundaryOptions, type UnaskedEffect } from './replay-boundary.js';
export { ResumeBoundary, type ResumeBoundaryOptions } from './resume-boundary.js';
export {
  exportRun,
  parseTraceExport,
  digestEvents,
  TRACE_EXPORT_FORMAT,
  TRACE_EXPORT_VERSION,
  type TraceExportDocument,
  type ExportedLeaf,
  type ExportOptions,
} from './trace-export.js';
export { openProjectRecorder, type ProjectRecorder } from './open-project-recorder.js';
export { keepStatementJournalsInMemory } from './open-trace-database.js';
export { serializeEvents, SerializedBatchBuilder, type SerializedBatch } from './stored-event-codec.js';
export { RecordingFailure, TraceWriteError, failedRunMarker } from './recording-failure.js';
export { recordReplayByReference, type ReplayRecorder, type ReplayByReferenceOptions } from './record-replay-by-reference.js';
export { ReferencingReplaySink } from './referencing-replay-sink.js';
export type { RunReference } from './run-references.js';
export { RecordedRows } from './recorded-rows.js';
