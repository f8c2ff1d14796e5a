import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CancelReason, RunEvent } from '../engine/contracts/index.js';
import type { Usage } from '../ir/index.js';
import { sha256Hex } from '../util/index.js';
import { foldLeafRuns, foldNodeRuns } from './fold-node-runs.js';
import { SecretRedactor } from './redact-secrets.js';
import {
  DEFAULT_BLOB_THRESHOLD_BYTES,
  decodeEvent,
  encodeEvent,
  encodeSerializedEvent,
  serializeEvent,
  type SerializedEvent,
} from './stored-event-codec.js';
import { TraceSchemaTooNewError } from './trace-errors.js';
import { migrateTraceDatabase, TRACE_SCHEMA_VERSION } from './trace-migrations.js';
import { compactEvents } from './compact-events.js';
import type {
  CancelRequestRecord,
  CompactionOptions,
  CompactionReport,
  LeafRunView,
  NodeRunView,
  RunSize,
  RunSummary,
  StoredEvent,
  TraceStore,
} from './trace-store.js';

export interface SqliteTraceStoreOptions {
  readonly blobThresholdBytes?: number;
  readonly redactor?: SecretRedactor;
}

const EVENT_COLUMNS = 6;
/** Rows per multi-row INSERT; 64 × 6 parameters stays far below SQLite's limit. */
const INSERT_CHUNK_ROWS = 64;

/** One run's summary columns, straight from its run_started and run_finished rows. */
const SUMMARY_SELECT = `
  SELECT s.run_id AS run_id,
         json_extract(s.payload, '$.label') AS label,
         json_extract(s.payload, '$.specHash') AS spec_hash,
         json_extract(s.payload, '$.mode') AS mode,
         json_extract(s.payload, '$.parentRunId') AS parent_run_id,
         json_extract(s.payload, '$.sourceFile') AS source_file,
         s.at AS started_at,
         f.at AS finished_at,
         json_extract(f.payload, '$.status') AS status,
         json_extract(f.payload, '$.usage') AS usage_json,
         (SELECT MAX(seq) FROM events e WHERE e.run_id = s.run_id) AS max_seq
  FROM events s
  LEFT JOIN events f ON f.run_id = s.run_id AND f.type IN ('run_started', 'run_finished') AND f.type = 'run_finished'
  WHERE s.type IN ('run_started', 'run_finished') AND s.type = 'run_started'`;

interface SummaryRow {
  run_id: string;
  label: string;
  spec_hash: string;
  mode: RunSummary['mode'];
  parent_run_id: string | null;
  source_file: string | null;
  started_at: number;
  finished_at: number | null;
  status: RunSummary['status'] | null;
  usage_json: string | null;
  max_seq: number | null;
}

function summaryFromRow(row: SummaryRow): RunSummary {
  return {
    runId: row.run_id,
    label: row.label,
    specHash: row.spec_hash,
    mode: row.mode,
    parentRunId: row.parent_run_id,
    sourceFile: row.source_file,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status ?? 'running',
    usage: row.usage_json === null ? null : (JSON.parse(row.usage_json) as Usage),
    eventCount: (row.max_seq ?? -1) + 1,
  };
}

interface EventRow {
  seq: number;
  payload: string;
}

/**
 * The trace store in a SQLite file (WAL: readers never block the writer). Owns the tables
 * created by trace-migrations.ts and nothing else, so the memo can share the database.
 */
export class SqliteTraceStore implements TraceStore {
  readonly database: Database.Database;
  private readonly redactor: SecretRedactor;
  private readonly blobThresholdBytes: number;
  private readonly nextSeq = new Map<string, number>();
  private readonly statements;

  constructor(
    readonly path: string,
    options: SqliteTraceStoreOptions = {},
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a commit survives a process crash (kill -9); only an OS crash may lose the last commits.
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 5000');
    const version = this.database.pragma('user_version', { simple: true }) as number;
    if (version > TRACE_SCHEMA_VERSION) {
      this.database.close();
      throw new TraceSchemaTooNewError(path, version, TRACE_SCHEMA_VERSION);
    }
    migrateTraceDatabase(this.database);
    this.redactor = options.redactor ?? new SecretRedactor();
    this.blobThresholdBytes = options.blobThresholdBytes ?? DEFAULT_BLOB_THRESHOLD_BYTES;
    const db = this.database;
    this.statements = {
      insertEvent: db.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)'),
      insertEventChunk: db.prepare(
        `INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES ${Array.from({ length: INSERT_CHUNK_ROWS }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
      ),
      maxSeq: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM events WHERE run_id = ?'),
      insertBlob: db.prepare('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)'),
      insertRunBlob: db.prepare('INSERT OR IGNORE INTO run_blobs (run_id, hash) VALUES (?, ?)'),
      getBlob: db.prepare<[string], { content: Buffer }>('SELECT content FROM blobs WHERE hash = ?'),
      eventsFrom: db.prepare<[string, number], EventRow>('SELECT seq, payload FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq'),
      // Summaries come from json_extract, so listing runs never parses a spec or a result tree.
      // The IN term repeats the partial index's WHERE, which is how SQLite knows it may use it.
      runSummaries: db.prepare<[], SummaryRow>(`${SUMMARY_SELECT} ORDER BY s.at DESC, s.id DESC`),
      runSummary: db.prepare<[string], SummaryRow>(`${SUMMARY_SELECT} AND s.run_id = ?`),
      insertCancel: db.prepare('INSERT INTO cancel_requests (run_id, node_id, reason, requested_at) VALUES (?, ?, ?, ?)'),
      readCancels: db.prepare<[string, number], { id: number; run_id: string; node_id: string | null; reason: string; requested_at: number }>(
        'SELECT * FROM cancel_requests WHERE run_id = ? AND id > ? ORDER BY id',
      ),
      eventBytes: db.prepare<[string], { count: number; bytes: number | null }>(
        'SELECT COUNT(*) AS count, SUM(length(CAST(payload AS BLOB))) AS bytes FROM events WHERE run_id = ?',
      ),
      blobBytes: db.prepare<[string], { bytes: number | null }>(
        'SELECT SUM(b.size) AS bytes FROM run_blobs r JOIN blobs b ON b.hash = r.hash WHERE r.run_id = ?',
      ),
    };
  }

  appendEvents(batch: readonly RunEvent[]): void {
    this.appendSerialized(batch.map(serializeEvent));
  }

  /** Appends events already serialized (by a sink on another thread), in one transaction. */
  appendSerialized(batch: readonly SerializedEvent[]): void {
    if (batch.length === 0) return;
    this.database.transaction(() => {
      // Rows go in with multi-row INSERTs: one native call per chunk instead of per event.
      let rows: (string | number | null)[] = [];
      for (const row of batch) {
        const encoded = encodeSerializedEvent(row, this.redactor, (content) => this.putBlob(content), this.blobThresholdBytes);
        for (const hash of encoded.blobHashes) this.statements.insertRunBlob.run(row.runId, hash);
        rows.push(row.runId, this.takeSeq(row.runId), row.type, row.nodeId, row.at, encoded.payload);
        if (rows.length === INSERT_CHUNK_ROWS * EVENT_COLUMNS) {
          this.statements.insertEventChunk.run(rows);
          rows = [];
        }
      }
      for (let offset = 0; offset < rows.length; offset += EVENT_COLUMNS) this.statements.insertEvent.run(rows.slice(offset, offset + EVENT_COLUMNS));
    })();
  }

  private takeSeq(runId: string): number {
    let next = this.nextSeq.get(runId);
    if (next === undefined) {
      const row = this.statements.maxSeq.get(runId);
      next = row?.seq === null || row?.seq === undefined ? 0 : row.seq + 1;
    }
    this.nextSeq.set(runId, next + 1);
    return next;
  }

  putBlob(content: string | Uint8Array): string {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const hash = sha256Hex(bytes);
    this.statements.insertBlob.run(hash, bytes.length, bytes);
    return hash;
  }

  getBlob(hash: string): Buffer | undefined {
    return this.statements.getBlob.get(hash)?.content;
  }

  listRuns(options: { readonly limit?: number } = {}): RunSummary[] {
    const summaries: RunSummary[] = [];
    for (const row of this.statements.runSummaries.iterate()) {
      summaries.push(summaryFromRow(row));
      if (options.limit !== undefined && summaries.length >= options.limit) break;
    }
    return summaries;
  }

  getRun(runId: string): RunSummary | undefined {
    const row = this.statements.runSummary.get(runId);
    return row ? summaryFromRow(row) : undefined;
  }

  private decode(payload: string): RunEvent {
    return decodeEvent(payload, (hash) => this.getBlob(hash));
  }

  events(runId: string, fromSeq = 0, types?: readonly RunEvent['type'][]): StoredEvent[] {
    // Filtering by type in SQL spares decoding what the caller would drop (replay reads ~half the log).
    const rows = types
      ? this.database
          .prepare<unknown[], EventRow>(`SELECT seq, payload FROM events WHERE run_id = ? AND seq >= ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY seq`)
          .all(runId, fromSeq, ...types)
      : this.statements.eventsFrom.all(runId, fromSeq);
    return rows.map((row) => ({ seq: row.seq, event: this.decode(row.payload) }));
  }

  nodeRuns(runId: string): NodeRunView[] {
    return foldNodeRuns(this.events(runId).map((stored) => stored.event));
  }

  leafRuns(runId: string): LeafRunView[] {
    return foldLeafRuns(this.events(runId).map((stored) => stored.event));
  }

  requestCancel(runId: string, nodeId: string | null, reason: CancelReason, at: number): void {
    this.statements.insertCancel.run(runId, nodeId, JSON.stringify(reason), at);
  }

  readCancelRequests(runId: string, afterId = 0): CancelRequestRecord[] {
    return this.statements.readCancels.all(runId, afterId).map((row) => ({
      id: row.id,
      runId: row.run_id,
      nodeId: row.node_id,
      reason: JSON.parse(row.reason) as CancelReason,
      requestedAt: row.requested_at,
    }));
  }

  runSize(runId: string): RunSize {
    const events = this.statements.eventBytes.get(runId);
    const blobs = this.statements.blobBytes.get(runId);
    const eventBytes = events?.bytes ?? 0;
    const blobBytes = blobs?.bytes ?? 0;
    return { eventCount: events?.count ?? 0, eventBytes, blobBytes, totalBytes: eventBytes + blobBytes };
  }

  /**
   * The one way rows leave the log: a maintenance grant for the run is inserted and removed
   * inside the same transaction, so the append-only triggers let exactly this run's rows go.
   */
  private withMaintenanceGrant<T>(runId: string, work: () => T): T {
    return this.database.transaction(() => {
      this.database.prepare('INSERT OR IGNORE INTO maintenance_grants (run_id) VALUES (?)').run(runId);
      try {
        return work();
      } finally {
        this.database.prepare('DELETE FROM maintenance_grants WHERE run_id = ?').run(runId);
      }
    }).immediate();
  }

  deleteRun(runId: string): void {
    this.withMaintenanceGrant(runId, () => {
      this.database.prepare('DELETE FROM events WHERE run_id = ?').run(runId);
      this.database.prepare('DELETE FROM cancel_requests WHERE run_id = ?').run(runId);
      const hashes = this.database.prepare<[string], { hash: string }>('SELECT hash FROM run_blobs WHERE run_id = ?').all(runId);
      this.database.prepare('DELETE FROM run_blobs WHERE run_id = ?').run(runId);
      // Only this run's blobs, and only those no other run shares.
      const dropBlob = this.database.prepare('DELETE FROM blobs WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM run_blobs WHERE hash = ?)');
      for (const { hash } of hashes) dropBlob.run(hash, hash);
    });
    this.nextSeq.delete(runId);
  }

  compactRun(runId: string, options: CompactionOptions = {}): CompactionReport {
    const bytesBefore = this.runSize(runId).totalBytes;
    const plan = compactEvents(this.events(runId), options);
    const stored = this.withMaintenanceGrant(runId, () => {
      const remove = this.database.prepare('DELETE FROM events WHERE run_id = ? AND seq = ?');
      const rewrite = this.database.prepare('UPDATE events SET payload = ? WHERE run_id = ? AND seq = ?');
      for (const seq of plan.dropSeqs) remove.run(runId, seq);
      let moved = 0;
      for (const { seq, event } of plan.keep) {
        const encoded = encodeEvent(event, (content) => this.putBlob(content), plan.blobThresholdBytes);
        if (encoded.blobHashes.length === 0) continue;
        for (const hash of encoded.blobHashes) this.statements.insertRunBlob.run(runId, hash);
        rewrite.run(encoded.payload, runId, seq);
        moved += encoded.blobHashes.length;
      }
      return moved;
    });
    return { removedEvents: plan.dropSeqs.length, movedToBlobs: stored, bytesBefore, bytesAfter: this.runSize(runId).totalBytes };
  }

  /** Runs `PRAGMA integrity_check`; 'ok' when the file is sound. */
  integrityCheck(): string {
    return this.database.pragma('integrity_check', { simple: true }) as string;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}
