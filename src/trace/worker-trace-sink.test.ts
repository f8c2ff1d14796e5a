import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { fakeRunEvents } from './testing/index.js';
import { MAX_BATCHES_AHEAD, NARROW_BATCHES_AHEAD, WorkerTraceSink } from './worker-trace-sink.js';

describe('WorkerTraceSink', () => {
  it('writes every event on its worker thread, redacted, and close() waits for them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    new SqliteTraceStore(path).close();
    const sink = new WorkerTraceSink(path, { env: { DEPLOY_TOKEN: 'very-secret-token-value' } });
    const events = fakeRunEvents({ runId: 'w', leafCount: 30, outputOf: (index) => (index === 3 ? 'leaked very-secret-token-value' : `out ${index}`) });
    for (const event of events) sink.emit(event);
    await sink.close();
    expect(sink.error).toBeUndefined();
    const store = new SqliteTraceStore(path);
    const stored = store.events('w').map((entry) => entry.event);
    expect(stored).toHaveLength(events.length);
    expect(store.leafRuns('w')[3]!.output).toBe(`leaked ${REDACTED}`);
    expect(stored.filter((event) => event.type !== 'effect_completed' && event.type !== 'node_finished')).toEqual(
      events.filter((event) => event.type !== 'effect_completed' && event.type !== 'node_finished'),
    );
    store.close();
  });

  it.each([
    ['wide', false, MAX_BATCHES_AHEAD],
    ['narrow', true, NARROW_BATCHES_AHEAD],
  ])('a run that emits faster than the writer waits for it: at most a few batches are ever unwritten (%s window)', async (_name, narrowBacklog, batchesAhead) => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    const reader = new SqliteTraceStore(path);
    const sink = new WorkerTraceSink(path, { env: {}, maxBatchSize: 10, narrowBacklog });
    const events = fakeRunEvents({ runId: 'b', leafCount: 200, unfinished: true });
    // One synchronous burst of 80 batches: without backpressure all of them would still be queued here.
    for (const event of events) sink.emit(event);
    const unwritten = events.length - reader.events('b').length;
    expect(unwritten).toBeLessThanOrEqual(10 * (batchesAhead + 1));
    await sink.close();
    expect(reader.events('b')).toHaveLength(events.length);
    expect(sink.committed.total).toBe(events.length);
    expect(sink.committed.startRecorded).toBe(true);
    reader.close();
  });

  it('sends run_started to the writer alone, as soon as it is emitted, and says so', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    const reader = new SqliteTraceStore(path);
    const sink = new WorkerTraceSink(path, { env: {}, maxBatchSize: 4, flushIntervalMs: 60_000 });
    const events = fakeRunEvents({ runId: 's', leafCount: 3, unfinished: true });
    expect(events[0]!.type).toBe('run_started');
    expect(sink.startSent).toBe(false);
    sink.emit(events[0]!);
    expect(sink.startSent).toBe(true);
    // Written alone (drain() would post anything pending with it: nothing is).
    await sink.drain();
    expect(reader.events('s').map((stored) => stored.event.type)).toEqual(['run_started']);
    reader.close();
    for (const event of events.slice(1)) sink.emit(event);
    await sink.close();
    expect(sink.startSent).toBe(true);
    expect(sink.committed.startRecorded).toBe(true);
  });

  it('drain() resolves once emitted events are readable by another connection', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    const reader = new SqliteTraceStore(path);
    const sink = new WorkerTraceSink(path, { env: {} });
    const events = fakeRunEvents({ runId: 'd', leafCount: 2, unfinished: true });
    for (const event of events) sink.emit(event);
    await sink.drain();
    expect(reader.events('d')).toHaveLength(events.length);
    await sink.close();
    reader.close();
  });

  it('checkpoints the WAL into the database while nothing comes to write, so the close has only the rest to copy', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    new SqliteTraceStore(path).close();
    const emptySize = statSync(path).size;
    const sink = new WorkerTraceSink(path, { env: {} });
    // 80 leaves: over 256 events, enough for the writer to think a checkpoint worth its syncs.
    const events = fakeRunEvents({ runId: 'c', leafCount: 80, unfinished: true, outputOf: (index) => `out ${index} ${'x'.repeat(500)}` });
    for (const event of events) sink.emit(event);
    await sink.drain();
    // The rows are in the WAL; the database file itself grows only when a checkpoint copies them in.
    const deadline = Date.now() + 10_000;
    while (statSync(path).size <= emptySize && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(statSync(path).size).toBeGreaterThan(emptySize);
    await sink.close();
    const reader = new SqliteTraceStore(path);
    expect(reader.events('c')).toHaveLength(events.length);
    reader.close();
  });

  it('hears each batch through onCommitted once the worker wrote it, in order, before close() resolves', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    new SqliteTraceStore(path).close();
    const heard: string[] = [];
    const reader = new SqliteTraceStore(path);
    let readable = true;
    const sink = new WorkerTraceSink(path, {
      env: {},
      onCommitted: (batch) => {
        // Committed means another connection can read it already.
        readable &&= reader.events('c').length >= heard.length + batch.length;
        heard.push(...batch.map((event) => event.type));
      },
    });
    const events = fakeRunEvents({ runId: 'c', leafCount: 5 });
    for (const event of events) sink.emit(event);
    await sink.close();
    expect(heard).toEqual(events.map((event) => event.type));
    expect(readable).toBe(true);
    expect(sink.committed.startRecorded).toBe(true);
    reader.close();
  });

  it('hears committed batches while a run that never yields keeps emitting, so it holds only the batches not yet written', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-worker-')), 'whaleflow.db');
    new SqliteTraceStore(path).close();
    const reader = new SqliteTraceStore(path);
    const heard: string[] = [];
    let unreadable = 0;
    const sink = new WorkerTraceSink(path, {
      env: {},
      maxBatchSize: 10,
      onCommitted: (batch) => {
        if (reader.events('y').length < heard.length + batch.length) unreadable += 1;
        heard.push(...batch.map((event) => event.type));
      },
    });
    const events = fakeRunEvents({ runId: 'y', leafCount: 200 });
    // One synchronous burst (no turn of the event loop, so no reply of the writer is read):
    // backpressure waits for the writer, and what it finished is heard right then.
    let heldAtMost = 0;
    for (const [index, event] of events.entries()) {
      sink.emit(event);
      heldAtMost = Math.max(heldAtMost, index + 1 - heard.length);
    }
    expect(heard.length).toBeGreaterThan(events.length / 2);
    expect(heldAtMost).toBeLessThanOrEqual(10 * (NARROW_BATCHES_AHEAD + 2));
    await sink.close();
    expect(heard).toEqual(events.map((event) => event.type));
    expect(unreadable).toBe(0);
    expect(sink.committed.total).toBe(events.length);
    reader.close();
  });
  it('a writer that cannot open its database lets a run that never yields go on, and counts nothing as committed', async () => {
    // A directory where the database file should be: SQLite refuses to open it.
    const path = mkdtempSync(join(tmpdir(), 'whaleflow-worker-'));
    const heard: string[] = [];
    const sink = new WorkerTraceSink(path, { env: {}, maxBatchSize: 10, onCommitted: (batch) => heard.push(...batch.map((event) => event.type)) });
    const events = fakeRunEvents({ runId: 'n', leafCount: 50 });
    for (const event of events) sink.emit(event);
    await sink.close();
    expect(sink.error).toBeDefined();
    expect(heard).toEqual([]);
    expect(sink.committed.total).toBe(0);
  });

  it('closes when its writer already died of its open before close() was called (nothing left to say exit)', async () => {
    const path = mkdtempSync(join(tmpdir(), 'whaleflow-worker-'));
    const sink = new WorkerTraceSink(path, { env: {} });
    for (const event of fakeRunEvents({ runId: 'late' })) sink.emit(event);
    // As a run that lasts longer than the writer's start: the failure and the thread's exit are heard first.
    const exited = await until(() => sink.error !== undefined);
    expect(exited).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const outcome = await Promise.race([sink.close().then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
    expect(outcome).toBe('closed');
  });
});

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
