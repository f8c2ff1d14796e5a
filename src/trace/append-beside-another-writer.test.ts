import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { fakeRunEvents } from './testing/index.js';

/**
 * Another connection to the same file (as a run's memo store is) holds the write lock and
 * commits a moment later. A deferred transaction that read before that commit could not write
 * after it (SQLite's snapshot rule fails it at once, without the busy wait); the store's
 * appends take the write lock first and wait.
 */
function holdWriteLockInThread(path: string, holdMs: number): { locked: Int32Array; done: Promise<void> } {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
const database = new Database(workerData.path);
database.exec('CREATE TABLE IF NOT EXISTS beside (n INTEGER)');
database.exec('BEGIN IMMEDIATE');
database.prepare('INSERT INTO beside (n) VALUES (1)').run();
Atomics.store(workerData.shared, 0, 1);
Atomics.notify(workerData.shared, 0);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
database.exec('COMMIT');
database.close();`,
    { eval: true, workerData: { path, shared, holdMs } },
  );
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', () => resolve());
  });
  return { locked: shared, done };
}

describe('appending beside another writer of the same file', () => {
  it('waits for the other connection to commit, then appends (a deferred transaction failed with "database is locked")', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-beside-')), 'whaleflow.db');
    const store = new SqliteTraceStore(path);
    const events = fakeRunEvents({ runId: 'r' });
    store.appendEvents(events.slice(0, 1));
    const other = holdWriteLockInThread(path, 300);
    Atomics.wait(other.locked, 0, 0, 10_000);
    // The run's next sequence number is read from the log, then the rows are written.
    const second = new SqliteTraceStore(path);
    second.appendEvents(events.slice(1));
    await other.done;
    expect(store.events('r').map((entry) => entry.event.type)).toEqual(events.map((event) => event.type));
    second.close();
    store.close();
  });
});
