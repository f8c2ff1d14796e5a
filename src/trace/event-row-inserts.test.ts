import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/contracts/index.js';
import { eventChunkInsertSql, EventRowInserts, INSERT_CHUNK_ROWS } from './event-row-inserts.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { fakeRunEvents } from './testing/index.js';

type Row = [runId: string, seq: number, type: string, nodeId: string | null, at: number, payload: string];

function table(): Database.Database {
  const database = new Database(':memory:');
  database.exec('CREATE TABLE events (run_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, node_id TEXT, at INTEGER NOT NULL, payload TEXT NOT NULL, UNIQUE (run_id, seq))');
  return database;
}

function insertAll(database: Database.Database, rows: readonly Row[]): void {
  const inserts = new EventRowInserts({
    insertEvent: database.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)'),
    insertEventChunk: database.prepare(eventChunkInsertSql()),
  });
  database.transaction(() => {
    for (const row of rows) inserts.add(...row);
    inserts.finish();
  })();
}

function stored(database: Database.Database): Row[] {
  return database.prepare('SELECT run_id, seq, type, node_id, at, payload FROM events ORDER BY run_id, seq').raw().all() as Row[];
}

function rowsOf(runId: string, count: number, firstSeq = 0): Row[] {
  return Array.from({ length: count }, (_, index) => [runId, firstSeq + index, index % 2 ? 'node_finished' : 'node_started', index % 5 ? `leaf-${index}` : null, 1_000 + index, `{"i":${index},"text":"é ${'x'.repeat(index % 7)}"}`]);
}

describe('EventRowInserts', () => {
  it('stores every value of every row, in chunks and one by one', () => {
    for (const count of [0, 1, INSERT_CHUNK_ROWS - 1, INSERT_CHUNK_ROWS, INSERT_CHUNK_ROWS + 1, 3 * INSERT_CHUNK_ROWS + 17]) {
      const database = table();
      const rows = rowsOf('r', count, 40);
      insertAll(database, rows);
      expect(stored(database)).toEqual(rows);
      database.close();
    }
  });

  it('starts a new chunk where the run changes or the sequence numbers jump', () => {
    const database = table();
    const first = rowsOf('a', INSERT_CHUNK_ROWS + 10);
    const second = rowsOf('b', INSERT_CHUNK_ROWS * 2, 7);
    // Interleaved runs, and a gap in a's sequence numbers: no row may take another's run or number.
    const rows: Row[] = [...first.slice(0, 30), ...second.slice(0, 5), ...first.slice(30, 50), ...second.slice(5)];
    const later = rowsOf('a', INSERT_CHUNK_ROWS, 500);
    insertAll(database, [...rows, ...later]);
    expect(stored(database)).toEqual([...first.slice(0, 50), ...later, ...second].sort((x, y) => x[0].localeCompare(y[0]) || x[1] - y[1]));
    database.close();
  });
});

describe('SqliteTraceStore with chunked inserts', () => {
  it('reads back each run of a batch that mixes two runs, in order, across batches', () => {
    const store = new SqliteTraceStore(join(mkdtempSync(join(tmpdir(), 'whaleflow-inserts-')), 'whaleflow.db'));
    const one = fakeRunEvents({ runId: 'one', leafCount: 60 });
    const two = fakeRunEvents({ runId: 'two', leafCount: 45 });
    const mixed: RunEvent[] = [];
    for (let index = 0; index < Math.max(one.length, two.length); index++) {
      if (index < one.length) mixed.push(one[index]!);
      if (index % 3 === 0 && index < two.length) mixed.push(two[index]!);
    }
    const rest = two.filter((_, index) => index % 3 !== 0);
    store.appendEvents(mixed);
    store.appendEvents(rest);
    expect(store.events('one').map((entry) => entry.event)).toEqual(one);
    expect(store.events('one').map((entry) => entry.seq)).toEqual(one.map((_, index) => index));
    const twoOrder = [...two.filter((_, index) => index % 3 === 0), ...rest];
    expect(store.events('two').map((entry) => entry.event)).toEqual(twoOrder);
    expect(store.events('two').map((entry) => entry.seq)).toEqual(twoOrder.map((_, index) => index));
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });
});
