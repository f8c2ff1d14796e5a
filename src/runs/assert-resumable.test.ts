import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from '../trace/index.js';
import { fakeRunEvents } from '../trace/testing/index.js';
import { assertResumable, RunStillRunningError } from './assert-resumable.js';

function unfinishedRun(heartbeatAt: number) {
  const store = new InMemoryTraceStore();
  store.appendEvents([...fakeRunEvents({ runId: 'live', leafCount: 1, unfinished: true, startAt: 1_000 }), { type: 'heartbeat', runId: 'live', at: heartbeatAt, pid: 4242 }]);
  return { store, run: store.getRun('live')! };
}

describe('assertResumable', () => {
  it('refuses a run whose process is alive and beating', () => {
    const { store, run } = unfinishedRun(10_000);
    expect(() => assertResumable(store, run, { now: 11_000, isPidAlive: () => true })).toThrow(RunStillRunningError);
    expect(() => assertResumable(store, run, { now: 11_000, isPidAlive: () => true })).toThrow('run live is still running (pid 4242)');
  });

  it('allows a run whose process is gone (kill -9) or silent for too long, and a finished run', () => {
    const { store, run } = unfinishedRun(10_000);
    expect(() => assertResumable(store, run, { now: 11_000, isPidAlive: () => false })).not.toThrow();
    expect(() => assertResumable(store, run, { now: 60_000, isPidAlive: () => true })).not.toThrow();
    store.appendEvents(fakeRunEvents({ runId: 'done' }));
    expect(() => assertResumable(store, store.getRun('done')!, { now: 0, isPidAlive: () => true })).not.toThrow();
  });
});
