import type { CancelReason, RunEvent } from '../engine/contracts/index.js';
import { sha256Hex } from '../util/index.js';
import { compactEvents } from './compact-events.js';
import { foldLeafRuns, foldNodeRuns } from './fold-node-runs.js';
import { eventsOf, LEAF_VIEW_TYPES, matchesQuery, NODE_VIEW_TYPES } from './event-stream.js';
import { SecretRedactor } from './redact-secrets.js';
import { DEFAULT_BLOB_THRESHOLD_BYTES, decodeEvent, encodeEvent, encodeSerializedEvent, nodeIdOf } from './stored-event-codec.js';
import { summarizeRun } from './summarize-run.js';
import { eventRowBody } from './event-row.js';
import type {
  CancelRequestRecord,
  CompactionOptions,
  CompactionReport,
  EventQuery,
  LeafRunView,
  NodeRunView,
  ReadableEvents,
  RunSize,
  RunSummary,
  StoredEvent,
  TraceStore,
} from './trace-store.js';

/** A row as the SQLite store keeps it: the envelope in columns, the rest in the payload (event-row.ts). */
interface StoredRow {
  readonly seq: number;
  readonly type: RunEvent['type'];
  readonly at: number;
  /** The node_id column: a node row's payload leaves its node id out (schema 6). */
  readonly nodeId: string | null;
  payload: string;
}

interface RunLog {
  readonly runId: string;
  readonly rows: StoredRow[];
  readonly blobHashes: Set<string>;
  /** Insertion order, to list runs started at the same millisecond newest first. */
  readonly order: number;
  nextSeq: number;
}

/**
 * A TraceStore in memory: for tests, `replay --trace FILE` and embedding. Encodes events
 * exactly like the SQLite store (redaction, blobs), so both pass the same conformance suite.
 */
export class InMemoryTraceStore implements TraceStore {
  private readonly runs = new Map<string, RunLog>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly cancels: CancelRequestRecord[] = [];
  private readonly redactor: SecretRedactor;
  private readonly blobThresholdBytes: number;

  constructor(options: { readonly blobThresholdBytes?: number; readonly redactor?: SecretRedactor } = {}) {
    this.redactor = options.redactor ?? new SecretRedactor();
    this.blobThresholdBytes = options.blobThresholdBytes ?? DEFAULT_BLOB_THRESHOLD_BYTES;
  }

  appendEvents(batch: readonly RunEvent[]): void {
    for (const event of batch) {
      const encoded = encodeSerializedEvent(JSON.stringify(eventRowBody(event)), event.type, this.redactor, (content) => this.putBlob(content), this.blobThresholdBytes);
      const log = this.logFor(event.runId);
      for (const hash of encoded.blobHashes) log.blobHashes.add(hash);
      log.rows.push({ seq: log.nextSeq++, type: event.type, at: event.at, nodeId: nodeIdOf(event), payload: encoded.payload });
    }
  }

  private logFor(runId: string): RunLog {
    let log = this.runs.get(runId);
    if (!log) {
      log = { runId, rows: [], blobHashes: new Set(), order: this.runs.size, nextSeq: 0 };
      this.runs.set(runId, log);
    }
    return log;
  }

  /** Stores content under its SHA-256, after redaction: any byte content, not only what events carried. */
  putBlob(content: string | Uint8Array): string {
    const bytes = typeof content === 'string' ? Buffer.from(this.redactor.redactString(content), 'utf8') : Buffer.from(this.redactor.redactBytes(content));
    const hash = sha256Hex(bytes);
    if (!this.blobs.has(hash)) this.blobs.set(hash, bytes);
    return hash;
  }

  getBlob(hash: string): Buffer | undefined {
    return this.blobs.get(hash);
  }

  private decode(log: RunLog, row: StoredRow): RunEvent {
    return decodeEvent(row.payload, { type: row.type, runId: log.runId, at: row.at, nodeId: row.nodeId }, (hash) => this.getBlob(hash));
  }

  listRuns(options: { readonly limit?: number } = {}): RunSummary[] {
    const started = [...this.runs.entries()]
      .map(([runId, log]) => ({ runId, log, start: this.startOf(log) }))
      .filter((entry) => entry.start !== undefined)
      .sort((left, right) => right.start!.at - left.start!.at || right.log.order - left.log.order);
    const summaries = started.map((entry) => this.getRun(entry.runId)!);
    return options.limit === undefined ? summaries : summaries.slice(0, options.limit);
  }

  private startOf(log: RunLog): Extract<RunEvent, { type: 'run_started' }> | undefined {
    for (const row of log.rows) {
      const event = this.decode(log, row);
      if (event.type === 'run_started') return event;
    }
    return undefined;
  }

  getRun(runId: string): RunSummary | undefined {
    const log = this.runs.get(runId);
    if (!log) return undefined;
    const started = this.startOf(log);
    if (!started) return undefined;
    let finished: Extract<RunEvent, { type: 'run_finished' }> | undefined;
    for (const row of log.rows) {
      const event = this.decode(log, row);
      if (event.type === 'run_finished') finished = event;
    }
    const lastSeq = log.rows.length === 0 ? -1 : log.rows[log.rows.length - 1]!.seq;
    return summarizeRun(runId, started, finished, lastSeq + 1);
  }

  events(runId: string, fromSeq = 0, types?: readonly RunEvent['type'][]): StoredEvent[] {
    const log = this.runs.get(runId);
    if (!log) return [];
    const stored = log.rows.filter((row) => row.seq >= fromSeq).map((row) => ({ seq: row.seq, event: this.decode(log, row) }));
    return types ? stored.filter((entry) => types.includes(entry.event.type)) : stored;
  }

  /** Rows here are only ever written by appendEvents, so none is damaged. */
  readableEvents(runId: string, fromSeq = 0): ReadableEvents {
    return { events: this.events(runId, fromSeq), damaged: [] };
  }

  *eventStream(runId: string, query: EventQuery = {}): Generator<StoredEvent> {
    const log = this.runs.get(runId);
    for (const row of log?.rows ?? []) {
      if (row.seq < (query.fromSeq ?? 0)) continue;
      const event = this.decode(log!, row);
      if (matchesQuery(event, nodeIdOf(event), query)) yield { seq: row.seq, event };
    }
  }

  nodeRuns(runId: string, nodeId?: string): NodeRunView[] {
    return foldNodeRuns(eventsOf(this.eventStream(runId, { types: NODE_VIEW_TYPES, nodeId })));
  }

  leafRuns(runId: string, nodeId?: string): LeafRunView[] {
    return foldLeafRuns(eventsOf(this.eventStream(runId, { types: LEAF_VIEW_TYPES, nodeId })));
  }

  requestCancel(runId: string, nodeId: string | null, reason: CancelReason, at: number): void {
    this.cancels.push({ id: this.cancels.length + 1, runId, nodeId, reason, requestedAt: at });
  }

  readCancelRequests(runId: string, afterId = 0): CancelRequestRecord[] {
    return this.cancels.filter((request) => request.runId === runId && request.id > afterId);
  }

  runSize(runId: string): RunSize {
    const log = this.runs.get(runId);
    if (!log) return { eventCount: 0, eventBytes: 0, blobBytes: 0, totalBytes: 0 };
    const eventBytes = log.rows.reduce((sum, row) => sum + Buffer.byteLength(row.payload, 'utf8'), 0);
    let blobBytes = 0;
    for (const hash of log.blobHashes) blobBytes += this.blobs.get(hash)?.length ?? 0;
    return { eventCount: log.rows.length, eventBytes, blobBytes, totalBytes: eventBytes + blobBytes };
  }

  deleteRun(runId: string): void {
    const log = this.runs.get(runId);
    if (!log) return;
    this.runs.delete(runId);
    for (let index = this.cancels.length - 1; index >= 0; index--) if (this.cancels[index]!.runId === runId) this.cancels.splice(index, 1);
    const stillUsed = new Set([...this.runs.values()].flatMap((other) => [...other.blobHashes]));
    for (const hash of log.blobHashes) if (!stillUsed.has(hash)) this.blobs.delete(hash);
  }

  compactRun(runId: string, options: CompactionOptions = {}): CompactionReport {
    const log = this.runs.get(runId);
    const bytesBefore = this.runSize(runId).totalBytes;
    if (!log) return { removedEvents: 0, movedToBlobs: 0, bytesBefore, bytesAfter: bytesBefore, freedBytes: 0 };
    const payloadBytes = (): number => log.rows.reduce((sum, row) => sum + Buffer.byteLength(row.payload, 'utf8'), 0);
    const payloadBefore = payloadBytes();
    const plan = compactEvents(this.events(runId), options);
    const dropped = new Set(plan.dropSeqs);
    let moved = 0;
    let newBlobBytes = 0;
    const kept = log.rows.filter((row) => !dropped.has(row.seq));
    const putBlob = (content: string): string => {
      const hash = sha256Hex(content);
      if (!this.blobs.has(hash)) newBlobBytes += Buffer.byteLength(content, 'utf8');
      return this.putBlob(content);
    };
    for (const { seq, event } of plan.keep) {
      const encoded = encodeEvent(event, putBlob, plan.blobThresholdBytes);
      if (encoded.blobHashes.length === 0) continue;
      for (const hash of encoded.blobHashes) log.blobHashes.add(hash);
      kept.find((row) => row.seq === seq)!.payload = encoded.payload;
      moved += encoded.blobHashes.length;
    }
    log.rows.splice(0, log.rows.length, ...kept);
    return { removedEvents: plan.dropSeqs.length, movedToBlobs: moved, bytesBefore, bytesAfter: this.runSize(runId).totalBytes, freedBytes: payloadBefore - payloadBytes() - newBlobBytes };
  }

  close(): void {
    // Nothing to release.
  }
}
