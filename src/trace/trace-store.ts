import type { MemoUsage, NodeKind, RunStatus, Usage } from '../ir/index.js';
import type { CancelReason, EffectKind, EffectSource, RunEvent } from '../engine/contracts/index.js';
import type { DamagedEventError } from './trace-errors.js';

/** One stored event with its position in the run's log (0, 1, …, contiguous per run). */
export interface StoredEvent {
  readonly seq: number;
  readonly event: RunEvent;
}

/** Which of a run's events to read: from a sequence number on, only some types, only one node's. */
export interface EventQuery {
  readonly fromSeq?: number;
  readonly types?: readonly RunEvent['type'][];
  /** Only the events of this node (its node, effect, decision and placement events). */
  readonly nodeId?: string;
}

/** A run's log as far as it can be read: the readable events, and why each other row is not. */
export interface ReadableEvents {
  readonly events: StoredEvent[];
  readonly damaged: readonly DamagedEventError[];
}

/** What `listRuns` and `getRun` say about a run, read from its run_started / run_finished events. */
export interface RunSummary {
  readonly runId: string;
  readonly label: string;
  readonly specHash: string;
  readonly mode: 'live' | 'replay' | 'resume';
  readonly parentRunId: string | null;
  readonly sourceFile: string | null;
  readonly startedAt: number;
  /** Null while running, or when the run was interrupted (a crash leaves no run_finished). */
  readonly finishedAt: number | null;
  /** 'running' until run_finished is stored. */
  readonly status: RunStatus;
  readonly usage: Usage | null;
  readonly eventCount: number;
}

/** One execution of one node (per loop iteration), folded from node_started / node_finished. */
export interface NodeRunView {
  readonly nodeId: string;
  readonly kind: NodeKind;
  readonly parentId: string | null;
  readonly iteration: number;
  readonly role: string | null;
  readonly status: RunStatus;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly output: string | null;
  readonly usage: Usage | null;
  readonly memoUsage: MemoUsage | null;
  readonly error: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

/** A leaf's node run plus the effect that produced it: its input hash, source and duration. */
export interface LeafRunView extends NodeRunView {
  readonly inputHash: string | null;
  readonly effectSource: EffectSource | null;
  readonly effectDurationMs: number | null;
  readonly effectKind: EffectKind | null;
}

export interface CancelRequestRecord {
  /** Increasing id; pass the last one seen to `readCancelRequests` to read only newer ones. */
  readonly id: number;
  readonly runId: string;
  readonly nodeId: string | null;
  readonly reason: CancelReason;
  readonly requestedAt: number;
}

export interface RunSize {
  readonly eventCount: number;
  /** Bytes of the stored event payloads. */
  readonly eventBytes: number;
  /** Bytes of the blobs the run references (shared blobs count for every run using them). */
  readonly blobBytes: number;
  readonly totalBytes: number;
}

export interface CompactionReport {
  readonly removedEvents: number;
  /** Strings moved out of event rows into (new or existing) blobs. */
  readonly movedToBlobs: number;
  /** The run's size (runSize().totalBytes) before and after. */
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /**
   * What the database holds less afterwards: event payload bytes removed, minus the bytes of the
   * blobs compaction had to create (a string already stored as a blob by any run costs nothing).
   */
  readonly freedBytes: number;
}

/** What compacting a run would do, worked out without writing (SqliteTraceStore.estimateCompaction). */
export interface CompactionEstimate {
  readonly removedEvents: number;
  readonly movedToBlobs: number;
  readonly freedBytes: number;
  /** Blobs it would create, so an estimate of the next run can count them as existing. */
  readonly newBlobHashes: readonly string[];
}

export interface CompactionOptions {
  /** Strings longer than this (in UTF-8 bytes) move to blobs; default 256. */
  readonly blobThresholdBytes?: number;
  /** Drop activity and heartbeat events, which replay and resume never read; default true. */
  readonly dropProgressEvents?: boolean;
}

/**
 * The durable record of runs: an append-only event log plus content-addressed blobs.
 * Synchronous on purpose: SQLite through better-sqlite3 is synchronous, and a sync API lets
 * the sink write a batch in one transaction without interleaving. Events read back are
 * exactly the events written, after redaction (large strings stored as blobs are restored).
 */
export interface TraceStore {
  /** Appends events in order (any mix of runs) in one transaction; redacts secrets first. */
  appendEvents(batch: readonly RunEvent[]): void;
  /** Stores content once under its SHA-256 (hex) and returns the hash. */
  putBlob(content: string | Uint8Array): string;
  /** The blob's content, verified against its hash (BlobIntegrityError when it was altered). */
  getBlob(hash: string): Buffer | undefined;

  /** Runs, newest first. */
  listRuns(options?: { readonly limit?: number }): RunSummary[];
  getRun(runId: string): RunSummary | undefined;
  /**
   * The run's events in order, optionally from a sequence number on and only of some types.
   * A row that cannot be read back raises DamagedEventError (and an altered blob BlobIntegrityError).
   */
  events(runId: string, fromSeq?: number, types?: readonly RunEvent['type'][]): StoredEvent[];
  /**
   * The same events as `events`, read a page at a time: what reads a whole big run (replay,
   * inspect, reports) uses, so memory is bounded by what the reader keeps, not by the run.
   */
  eventStream(runId: string, query?: EventQuery): Iterable<StoredEvent>;
  /** Like `events`, but a damaged row is reported instead of raised, for views that list every run. */
  readableEvents(runId: string, fromSeq?: number): ReadableEvents;
  /** Folded views per (node, iteration); with `nodeId`, only that node's (read by its rows alone). */
  nodeRuns(runId: string, nodeId?: string): NodeRunView[];
  leafRuns(runId: string, nodeId?: string): LeafRunView[];

  /** Asks a (background) run to stop; the run polls `readCancelRequests`. */
  requestCancel(runId: string, nodeId: string | null, reason: CancelReason, at: number): void;
  readCancelRequests(runId: string, afterId?: number): CancelRequestRecord[];

  /** Retention hooks for the janitor. */
  runSize(runId: string): RunSize;
  /** Removes a run, its cancel requests and the blobs no other run references. */
  deleteRun(runId: string): void;
  /** Shrinks a run without changing what replay and resume read from it. */
  compactRun(runId: string, options?: CompactionOptions): CompactionReport;

  close(): void;
}
