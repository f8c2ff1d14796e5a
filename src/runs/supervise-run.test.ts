import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryEventSink, RunController, type RunEvent } from '../engine/index.js';
import { InMemoryTraceStore, RunNotFoundError } from '../trace/index.js';
import { fakeRunEvents } from '../trace/testing/index.js';
import { pollCancelRequests } from './poll-cancel-requests.js';
import { requestRunCancel, UnknownCancelTargetError } from './request-run-cancel.js';
import { superviseRun } from './supervise-run.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from './testing/record-mock-run.js';

afterEach(() => {
  vi.useRealTimers();
});

function leafStatuses(events: readonly RunEvent[]): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const event of events) if (event.type === 'node_finished' && event.kind === 'leaf') statuses[event.nodeId] = `${event.status}${event.error ? `: ${event.error}` : ''}`;
  return statuses;
}

describe('per-node cancel in a run process (RunController)', () => {
  it('stops a running leaf mid-flight as cancelled and leaves its siblings alone', async () => {
    const controller = new RunController();
    const { events, result } = await recordMockRun(reviewSpec(), {
      fixture: REVIEW_FIXTURE,
      controller,
      during: (environment) => void environment.sleep(1500).then(() => controller.cancel('design', { type: 'user', message: 'whaleflow cancel design' })),
    });
    expect(leafStatuses(events)).toEqual({ correctness: 'succeeded', tests: 'succeeded', design: 'cancelled: cancelled: whaleflow cancel design' });
    // The reduce reads design's output, so it fails naming it; the run is cancelled (cancelled > failed).
    expect(result.status).toBe('cancelled');
    expect(events.filter((event) => event.type === 'cancel_requested')).toEqual([expect.objectContaining({ nodeId: 'design' })]);
  });

  it('cancelling a branch stops every leaf below it, including ones that had not started', async () => {
    const controller = new RunController();
    controller.cancel('reviewers');
    const { events } = await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, controller });
    expect(Object.values(leafStatuses(events))).toEqual(['cancelled: cancelled by the user', 'cancelled: cancelled by the user', 'cancelled: cancelled by the user']);
    expect(events.some((event) => event.type === 'activity')).toBe(false);
  });
});

describe('cancel requests through the store', () => {
  it('records a request for a running run and refuses unknown runs and nodes clearly', () => {
    const store = new InMemoryTraceStore();
    store.appendEvents(fakeRunEvents({ runId: 'live-run', unfinished: true }));
    store.appendEvents(fakeRunEvents({ runId: 'done-run' }));
    const alive = { now: 2_000, isPidAlive: () => true };
    expect(requestRunCancel(store, 'live', 'leaf-1', alive)).toEqual({ runId: 'live-run', nodeId: 'leaf-1', recorded: true, finishedStatus: null });
    expect(store.readCancelRequests('live-run').map((request) => request.nodeId)).toEqual(['leaf-1']);
    expect(requestRunCancel(store, 'done-run', null, alive)).toMatchObject({ recorded: false, finishedStatus: 'succeeded' });
    // Its process is gone (no sign of life for long): nobody would hear the request.
    expect(requestRunCancel(store, 'live-run', null, { now: START_AT, isPidAlive: () => true })).toMatchObject({ recorded: false, finishedStatus: 'interrupted' });
    expect(() => requestRunCancel(store, 'nope', null)).toThrow(RunNotFoundError);
    expect(() => requestRunCancel(store, 'live-run', 'no-such-leaf')).toThrow(UnknownCancelTargetError);
  });

  it('the run process sees each request once, including ones made before it started polling', () => {
    vi.useFakeTimers();
    const store = new InMemoryTraceStore();
    store.appendEvents(fakeRunEvents({ runId: 'r', unfinished: true }));
    store.requestCancel('r', 'leaf-0', { type: 'user' }, 1);
    const seen: (string | null)[] = [];
    const stop = pollCancelRequests({ store, runId: 'r', intervalMs: 300, onRequest: (request) => seen.push(request.nodeId) });
    expect(seen).toEqual(['leaf-0']);
    store.requestCancel('r', null, { type: 'user' }, 2);
    vi.advanceTimersByTime(300);
    vi.advanceTimersByTime(300);
    expect(seen).toEqual(['leaf-0', null]);
    stop();
  });

  it('superviseRun writes heartbeats with the pid and hands every request to the run controller', () => {
    vi.useFakeTimers();
    const store = new InMemoryTraceStore();
    const sink = new MemoryEventSink();
    const supervision = superviseRun({ store, sink, runId: 'r', now: () => 5, heartbeatIntervalMs: 1000, cancelPollIntervalMs: 250 });
    const cancels: [string | null, unknown][] = [];
    supervision.controller.attach({ cancel: (nodeId, reason) => cancels.push([nodeId, reason]) });
    vi.advanceTimersByTime(2000);
    // No heartbeat before the run is recorded as started: a run's log opens with run_started.
    expect(sink.events).toEqual([]);
    supervision.observer.emit(fakeRunEvents({ runId: 'r' })[0]!);
    vi.advanceTimersByTime(2000);
    expect(sink.events.filter((event) => event.type === 'heartbeat')).toHaveLength(3);
    expect(sink.events[0]).toEqual({ type: 'heartbeat', runId: 'r', at: 5, pid: process.pid });
    expect(cancels).toEqual([]);
    store.requestCancel('r', 'leaf-1', { type: 'user', message: 'whaleflow cancel leaf-1' }, 6);
    store.requestCancel('r', null, { type: 'user', message: 'whaleflow cancel' }, 6);
    vi.advanceTimersByTime(250);
    expect(cancels).toEqual([
      ['leaf-1', { type: 'user', message: 'whaleflow cancel leaf-1' }],
      [null, { type: 'user', message: 'whaleflow cancel' }],
    ]);
    supervision.stop();
    vi.advanceTimersByTime(5000);
    expect(sink.events.filter((event) => event.type === 'heartbeat')).toHaveLength(3);
  });
});
