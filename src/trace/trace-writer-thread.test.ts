import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTraceDatabase } from './open-trace-database.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { fakeRunEvents } from './testing/index.js';
import { TraceWriterThread } from './trace-writer-thread.js';
import { WorkerTraceSink } from './worker-trace-sink.js';

describe('TraceWriterThread', () => {
  it('starts before there is a database, touches none, and writes a whole run once a sink takes it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-writer-thread-')), 'whaleflow.db');
    const thread = new TraceWriterThread();
    expect(thread.waitUntilHeapConfigured(60_000)).toBe(true);
    expect(existsSync(path)).toBe(false);
    new SqliteTraceStore(path).close();
    const sink = new WorkerTraceSink(path, { env: {}, maxBatchSize: 10, thread });
    const events = fakeRunEvents({ runId: 'early', leafCount: 40 });
    for (const event of events) sink.emit(event);
    await sink.close();
    thread.discard(); // the sink closed it: nothing left to end
    expect(sink.error).toBeUndefined();
    const store = new SqliteTraceStore(path);
    expect(store.events('early')).toHaveLength(events.length);
    expect(sink.committed.total).toBe(events.length);
    store.close();
  });

  it('is taken by one sink only, and a discarded thread by none', () => {
    const discarded = new TraceWriterThread();
    discarded.discard();
    expect(() => discarded.take()).toThrow(/already taken by a sink, or discarded/);
    const taken = new TraceWriterThread();
    const { worker } = taken.take();
    expect(() => taken.take()).toThrow(/already taken/);
    void worker.terminate();
  });
});

describe('the trace database page cache', () => {
  it('is what the writer asks for (pageCacheKib), and SQLite`s default otherwise', () => {
    const folder = mkdtempSync(join(tmpdir(), 'whaleflow-page-cache-'));
    const small = openTraceDatabase(join(folder, 'small.db'), { pageCacheKib: 2048 });
    expect(small.database.pragma('cache_size', { simple: true })).toBe(-2048);
    small.database.close();
    const plain = openTraceDatabase(join(folder, 'plain.db'));
    expect(plain.database.pragma('cache_size', { simple: true })).not.toBe(-2048);
    plain.database.close();
  });
});
