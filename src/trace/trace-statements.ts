import type Database from 'better-sqlite3';
import type { RunEvent } from '../engine/contracts/index.js';
import { eventChunkInsertSql } from './event-row-inserts.js';
import { referencedOutputColumn, type EffectOutputRow } from './referenced-outputs.js';
import type { RunReferenceRow } from './run-references.js';
import { summarySelect, type SummaryRow } from './run-summary-row.js';

/** A row as read back: its payload and the envelope columns a lean payload leaves out (event-row.ts). */
export interface EventRow {
  seq: number;
  type: string;
  at: number;
  payload: string;
  /** Read along for a node_finished that refers to its effect's output (see rowColumns). */
  referenced?: string | null;
  /** A node row's node id (schema 6 leaves it out of the payload: event-row.ts). */
  node_id: string | null;
}

export const ROW_COLUMNS = 'seq, type, at, payload, node_id';

/** The columns of a query for `types` (the outer table is `events r`): see referencedOutputColumn. */
export function rowColumns(types: readonly RunEvent['type'][]): string {
  return `${ROW_COLUMNS}${referencedOutputColumn(types)}`;
}

/** The statements SqliteTraceStore prepares once, when it opens its database. */
export type TraceStatements = ReturnType<typeof prepareTraceStatements>;

export function prepareTraceStatements(db: Database.Database) {
  return {
    insertEvent: db.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)'),
    insertEventChunk: db.prepare(eventChunkInsertSql()),
    // A run's last sequence number: of its rows, or of the last one its references take (run-references.ts).
    maxSeq: db.prepare<[string, string], { seq: number | null }>(
      'SELECT MAX(seq) AS seq FROM (SELECT MAX(seq) AS seq FROM events WHERE run_id = ? UNION ALL SELECT MAX(seq + count - 1) FROM run_references WHERE run_id = ?)',
    ),
    references: db.prepare<[string], RunReferenceRow>('SELECT seq, count, source_run_id, source_seq, at FROM run_references WHERE run_id = ? ORDER BY seq'),
    referrers: db.prepare<[string], { run_id: string }>('SELECT DISTINCT run_id FROM run_references WHERE source_run_id = ?'),
    insertReference: db.prepare('INSERT INTO run_references (run_id, seq, count, source_run_id, source_seq, at) VALUES (?, ?, ?, ?, ?, ?)'),
    referencedCount: db.prepare<[string], { count: number | null }>('SELECT SUM(count) AS count FROM run_references WHERE run_id = ?'),
    insertBlob: db.prepare('INSERT OR IGNORE INTO blobs (hash, size, content) VALUES (?, ?, ?)'),
    insertRunBlob: db.prepare('INSERT OR IGNORE INTO run_blobs (run_id, hash) VALUES (?, ?)'),
    getBlob: db.prepare<[string], { content: Buffer }>('SELECT content FROM blobs WHERE hash = ?'),
    eventsFrom: db.prepare<[string, number], EventRow>(`SELECT ${ROW_COLUMNS} FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq`),
    // Only the result, as JSON (its output a string, or a blob reference; its usage): not the whole row.
    effectOutput: db.prepare<[string, number], EffectOutputRow>(
      "SELECT type, node_id, payload -> '$.result' AS result FROM events WHERE run_id = ? AND seq = ?",
    ),
    // Summaries come from json_extract, so listing runs never parses a spec or a result tree.
    // The IN term repeats the partial index's WHERE, which is how SQLite knows it may use it.
    runSummaries: db.prepare<[], SummaryRow>(`${summarySelect(false)} ORDER BY s.at DESC, s.id DESC`),
    runSummary: db.prepare<[string], SummaryRow>(`${summarySelect(false)} AND s.run_id = ?`),
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
