import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepStatementJournalsInMemory } from './open-trace-database.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { nodeIdOf } from './stored-event-codec.js';
import { fakeRunEvents } from './testing/index.js';
import { TraceSchemaTooNewError } from './trace-errors.js';
import { TRACE_MIGRATIONS, TRACE_SCHEMA_VERSION, migrateTraceDatabase } from './trace-migrations.js';

function databasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'whaleflow-sqlite-')), 'whaleflow.db');
}

describe('SqliteTraceStore schema', () => {
  it('refuses UPDATE and DELETE of event rows outside the maintenance path', () => {
    const store = new SqliteTraceStore(databasePath());
    store.appendEvents(fakeRunEvents({ runId: 'r' }));
    expect(() => store.database.prepare("UPDATE events SET payload = '{}' WHERE run_id = 'r'").run()).toThrow(/append-only: UPDATE is refused/);
    expect(() => store.database.prepare("DELETE FROM events WHERE run_id = 'r'").run()).toThrow(/append-only: DELETE is refused/);
    expect(() => store.database.prepare("UPDATE blobs SET size = 0").run()).not.toThrow(); // no blobs yet: no row to refuse
    store.putBlob('content');
    expect(() => store.database.prepare('UPDATE blobs SET size = 0').run()).toThrow(/immutable/);
    // The maintenance path works and leaves no grant behind.
    store.deleteRun('r');
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM maintenance_grants').get()).toEqual({ n: 0 });
    store.close();
  });

  it('writes with synchronous = NORMAL whether it created the database or found it', () => {
    const path = databasePath();
    const created = new SqliteTraceStore(path);
    expect(created.database.pragma('synchronous', { simple: true })).toBe(1);
    const found = new SqliteTraceStore(path);
    expect(found.database.pragma('synchronous', { simple: true })).toBe(1);
    found.close();
    created.close();
  });

  it('makes a new database with 16 KiB pages and keeps an older one at its own, checkpointing every ~4 MB of WAL either way', () => {
    const path = databasePath();
    const created = new SqliteTraceStore(path);
    expect(created.database.pragma('page_size', { simple: true })).toBe(16_384);
    expect(created.database.pragma('wal_autocheckpoint', { simple: true })).toBe(250);
    created.appendEvents(fakeRunEvents({ runId: 'r' }));
    created.close();
    // A database made before (SQLite's default 4 KiB pages) keeps them, and SQLite's 1,000-page cadence.
    const olderPath = databasePath();
    const older = new Database(olderPath);
    older.pragma('journal_mode = WAL');
    migrateTraceDatabase(older);
    older.close();
    const found = new SqliteTraceStore(olderPath);
    expect(found.database.pragma('page_size', { simple: true })).toBe(4_096);
    expect(found.database.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    found.appendEvents(fakeRunEvents({ runId: 'r' }));
    expect(found.events('r').length).toBeGreaterThan(0);
    found.close();
    const reopened = new SqliteTraceStore(path);
    expect(reopened.database.pragma('page_size', { simple: true })).toBe(16_384);
    expect(reopened.events('r').length).toBeGreaterThan(0);
    reopened.close();
  });

  it("keeps a recording connection's statement journals in memory, and appends through it", () => {
    const store = new SqliteTraceStore(databasePath());
    expect(store.database.pragma('temp_store', { simple: true })).toBe(0);
    keepStatementJournalsInMemory(store.database);
    expect(store.database.pragma('temp_store', { simple: true })).toBe(2);
    store.appendEvents(fakeRunEvents({ runId: 'r', leafCount: 40 }));
    expect(store.events('r').length).toBe(fakeRunEvents({ runId: 'r', leafCount: 40 }).length);
    store.close();
  });

  it('uses WAL, and a reader on another connection reads while a write transaction is open', () => {
    const path = databasePath();
    const writer = new SqliteTraceStore(path);
    writer.appendEvents(fakeRunEvents({ runId: 'first' }));
    expect(writer.database.pragma('journal_mode', { simple: true })).toBe('wal');
    const reader = new SqliteTraceStore(path);
    writer.database.exec('BEGIN IMMEDIATE');
    writer.appendEvents(fakeRunEvents({ runId: 'second' }));
    // The reader sees the last commit, without waiting for the writer.
    expect(reader.listRuns().map((run) => run.runId)).toEqual(['first']);
    writer.database.exec('COMMIT');
    expect(reader.listRuns().map((run) => run.runId).sort()).toEqual(['first', 'second']);
    reader.close();
    writer.close();
  });

  it('continues sequence numbers across reopenings', () => {
    const path = databasePath();
    const events = fakeRunEvents({ runId: 'r' });
    const first = new SqliteTraceStore(path);
    first.appendEvents(events.slice(0, 3));
    first.close();
    const second = new SqliteTraceStore(path);
    second.appendEvents(events.slice(3));
    expect(second.events('r').map((entry) => entry.seq)).toEqual(events.map((_, index) => index));
    expect(second.integrityCheck()).toBe('ok');
    second.close();
  });

  it('exposes the CodeWhale query views', () => {
    const store = new SqliteTraceStore(databasePath());
    store.appendEvents(fakeRunEvents({ runId: 'v', leafCount: 2 }));
    store.appendEvents([
      { type: 'decision', runId: 'v', at: 9_000, nodeId: 'pick', iteration: 0, key: 'd1', decision: 'winner', value: 'leaf-1', reason: 'tests pass' },
    ]);
    const db = store.database;
    expect(db.prepare('SELECT run_id, status, label FROM workflow_runs').all()).toEqual([{ run_id: 'v', status: 'succeeded', label: 'fake v' }]);
    expect(db.prepare('SELECT node_id, status, input_hash, output FROM leaf_runs ORDER BY node_id').all()).toEqual([
      { node_id: 'leaf-0', status: 'succeeded', input_hash: 'key-0', output: 'answer 0' },
      { node_id: 'leaf-1', status: 'succeeded', input_hash: 'key-1', output: 'answer 1' },
    ]);
    expect(db.prepare('SELECT node_id, kind, parent_id FROM branch_runs').all()).toEqual([{ node_id: 'fan', kind: 'branch_set', parent_id: null }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM control_node_runs').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT node_id, decision, value FROM teacher_candidates').all()).toEqual([{ node_id: 'pick', decision: 'winner', value: 'leaf-1' }]);
    store.close();
  });

  it('refuses a database from a newer WhaleFlow with a clear error', () => {
    const path = databasePath();
    const raw = new Database(path);
    raw.pragma(`user_version = ${TRACE_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => new SqliteTraceStore(path)).toThrow(TraceSchemaTooNewError);
  });
});

describe('trace migrations', () => {
  it('are numbered 1, 2, … without gaps', () => {
    expect(TRACE_MIGRATIONS.map((migration) => migration.version)).toEqual(TRACE_MIGRATIONS.map((_, index) => index + 1));
  });

  // Every earlier version, including an empty file (0), migrates to the current schema with its data intact.
  for (let from = 0; from < TRACE_SCHEMA_VERSION; from++) {
    it(`migrates a database from version ${from} to ${TRACE_SCHEMA_VERSION}`, () => {
      const path = databasePath();
      const raw = new Database(path);
      migrateTraceDatabase(raw, from);
      expect(raw.pragma('user_version', { simple: true })).toBe(from);
      raw.close();
      const events = fakeRunEvents({ runId: 'old-run', leafCount: 2 });
      if (from >= 1) {
        // Write rows as the v1 code did: the log existed from v1 on.
        const old = new Database(path);
        const insert = old.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)');
        events.forEach((event, seq) => insert.run(event.runId, seq, event.type, null, event.at, JSON.stringify(event)));
        old.close();
      }
      const store = new SqliteTraceStore(path);
      expect(store.database.pragma('user_version', { simple: true })).toBe(TRACE_SCHEMA_VERSION);
      if (from === 0) store.appendEvents(events);
      expect(store.events('old-run').map((entry) => entry.event)).toEqual(events);
      expect(store.database.prepare('SELECT COUNT(*) AS n FROM leaf_runs').get()).toEqual({ n: 2 });
      store.requestCancel('old-run', null, { type: 'user' }, 1);
      expect(store.readCancelRequests('old-run')).toHaveLength(1);
      expect(store.integrityCheck()).toBe('ok');
      store.close();
    });
  }

  it('reads a log whose older rows hold the whole event and newer rows the lean shape, in events and in the views', () => {
    const path = databasePath();
    const store = new SqliteTraceStore(path);
    const older = fakeRunEvents({ runId: 'mixed', leafCount: 2 });
    // Rows as every version before the lean shape wrote them: the whole event as JSON.
    const insert = store.database.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)');
    older.forEach((event, seq) => insert.run(event.runId, seq, event.type, nodeIdOf(event), event.at, JSON.stringify(event)));
    const newer = fakeRunEvents({ runId: 'lean', leafCount: 2 });
    store.appendEvents(newer);
    expect(store.events('mixed').map((entry) => entry.event)).toEqual(older);
    expect(store.events('lean').map((entry) => entry.event)).toEqual(newer);
    const payloads = store.database.prepare<[string], { payload: string }>('SELECT payload FROM events WHERE run_id = ?');
    expect(payloads.all('lean').every((row) => !row.payload.includes('"runId"'))).toBe(true);
    const views = store.database.prepare<[string], { node_id: string; armh_hits: number; output: string | null }>(
      'SELECT node_id, armh_hits, output FROM node_runs WHERE run_id = ? ORDER BY node_id',
    );
    expect(views.all('lean')).toEqual(views.all('mixed'));
    expect(views.all('lean').map((row) => row.armh_hits)).toEqual([0, 0, 0]);
    expect(store.leafRuns('lean')).toEqual(store.leafRuns('mixed'));
    store.close();
  });

  it('is idempotent: opening twice applies nothing the second time', () => {
    const path = databasePath();
    new SqliteTraceStore(path).close();
    const raw = new Database(path);
    expect(migrateTraceDatabase(raw)).toEqual([]);
    raw.close();
  });
});

describe('SqliteTraceStore compaction figures', () => {
  /** Bytes the database holds for runs: event payloads plus blob contents. */
  function storedBytes(store: SqliteTraceStore): number {
    const row = store.database
      .prepare('SELECT (SELECT COALESCE(SUM(length(CAST(payload AS BLOB))), 0) FROM events) + (SELECT COALESCE(SUM(size), 0) FROM blobs) AS bytes')
      .get() as { bytes: number };
    return row.bytes;
  }

  it('estimates exactly what compaction frees, counting blobs another run already holds as free', () => {
    const store = new SqliteTraceStore(databasePath());
    const shared = 'shared output '.repeat(40);
    store.appendEvents(fakeRunEvents({ runId: 'a', leafCount: 3, outputOf: (index) => (index === 0 ? shared : `a ${index} `.repeat(60)) }));
    store.appendEvents(fakeRunEvents({ runId: 'b', leafCount: 3, outputOf: (index) => (index === 0 ? shared : `b ${index} `.repeat(60)) }));
    const first = store.estimateCompaction('a');
    // Estimated in a row, b's copy of the shared output is already a blob a's compaction creates.
    const second = store.estimateCompaction('b', {}, new Set(first.newBlobHashes));
    const alone = store.estimateCompaction('b');
    expect(second.freedBytes - alone.freedBytes).toBe(Buffer.byteLength(shared));
    const before = storedBytes(store);
    const reportA = store.compactRun('a');
    expect(reportA.freedBytes).toBe(first.freedBytes);
    expect(before - storedBytes(store)).toBe(first.freedBytes);
    const middle = storedBytes(store);
    expect(store.compactRun('b').freedBytes).toBe(second.freedBytes);
    expect(middle - storedBytes(store)).toBe(second.freedBytes);
    // A second compaction finds nothing left to do.
    expect(store.estimateCompaction('a')).toEqual({ removedEvents: 0, movedToBlobs: 0, freedBytes: 0, newBlobHashes: [] });
    expect(store.compactRun('a')).toMatchObject({ removedEvents: 0, movedToBlobs: 0, freedBytes: 0 });
    store.close();
  });
});
