import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from './in-memory-trace-store.js';
import { fakeRunEvents } from './testing/index.js';
import { TraceSink } from './trace-sink.js';
import type { RunEvent } from '../engine/contracts/index.js';
import type { TraceStore } from './trace-store.js';

class CountingStore extends InMemoryTraceStore {
  batches: number[] = [];
  override appendEvents(batch: readonly RunEvent[]): void {
    this.batches.push(batch.length);
    super.appendEvents(batch);
  }
}

describe('TraceSink', () => {
  it('writes a run in few batches and flushes run_finished at once', () => {
    const store = new CountingStore();
    const sink = new TraceSink(store, { maxBatchSize: 10_000 });
    const events = fakeRunEvents({ runId: 'r', leafCount: 50 });
    for (const event of events) sink.emit(event);
    // run_finished flushed synchronously, everything before it in the same transaction.
    expect(store.batches).toEqual([events.length]);
    expect(store.events('r').map((entry) => entry.event)).toEqual(events);
  });

  it('flushes by size', () => {
    const store = new CountingStore();
    const sink = new TraceSink(store, { maxBatchSize: 5 });
    for (const event of fakeRunEvents({ runId: 'r', leafCount: 2, unfinished: true })) sink.emit(event);
    expect(store.batches.every((size) => size === 5)).toBe(true);
    sink.close();
    expect(store.events('r')).toHaveLength(13);
  });

  // A finished effect is on its way before more waiting; a requested one is written while the run waits for it.
  for (const type of ['effect_completed', 'effect_requested'] as const) {
    it(`flushes an ${type} at the end of the current turn`, async () => {
      const store = new CountingStore();
      const sink = new TraceSink(store, { flushIntervalMs: 60_000 });
      const events = fakeRunEvents({ runId: 'r', leafCount: 1, unfinished: true });
      const at = events.findIndex((event) => event.type === type);
      for (const event of events.slice(0, at + 1)) sink.emit(event);
      expect(store.batches).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(store.events('r')).toHaveLength(at + 1);
      sink.close();
    });
  }

  it('never throws into the engine; reports the first write error', () => {
    const failing: TraceStore = Object.assign(new InMemoryTraceStore(), {
      appendEvents: () => {
        throw new Error('disk full');
      },
    });
    const errors: unknown[] = [];
    const sink = new TraceSink(failing, { onError: (error) => errors.push(error) });
    expect(() => fakeRunEvents({ runId: 'r' }).forEach((event) => sink.emit(event))).not.toThrow();
    expect(String(sink.error)).toContain('disk full');
    expect(errors).toHaveLength(1);
  });

  it('tells onCommitted of each batch only once it is written, and nothing of a batch that failed (what progress shows is in the trace)', () => {
    let refuse = false;
    class FailingStore extends InMemoryTraceStore {
      override appendEvents(batch: readonly RunEvent[]): void {
        if (refuse) throw new Error('disk full');
        super.appendEvents(batch);
      }
    }
    const store = new FailingStore();
    const heard: RunEvent[] = [];
    const sink = new TraceSink(store, { maxBatchSize: 4, onCommitted: (batch) => heard.push(...batch), onError: () => undefined });
    const events = fakeRunEvents({ runId: 'r', leafCount: 3, unfinished: true });
    for (const event of events.slice(0, 4)) sink.emit(event);
    expect(heard).toEqual(events.slice(0, 4));
    expect(sink.committed.startRecorded).toBe(true);
    refuse = true;
    for (const event of events.slice(4)) sink.emit(event);
    sink.close();
    expect(heard).toEqual(events.slice(0, 4));
    expect(sink.committed.total).toBe(4);
  });

  it('a run whose first batch fails has not recorded its start', () => {
    class RefusingStore extends InMemoryTraceStore {
      override appendEvents(): void {
        throw new Error('disk full');
      }
    }
    const sink = new TraceSink(new RefusingStore(), { onError: () => undefined });
    for (const event of fakeRunEvents({ runId: 'r', leafCount: 1 })) sink.emit(event);
    expect(sink.committed.startRecorded).toBe(false);
    expect(sink.committed.total).toBe(0);
  });
});
