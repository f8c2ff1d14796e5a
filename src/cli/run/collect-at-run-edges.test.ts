import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { CollectAtRunEdges, EVENTS_BETWEEN_REDUCE_COLLECTIONS, WIDE_SPEC_TEXT_CHARS } from './collect-at-run-edges.js';
import { collectGarbage } from './collect-garbage.js';

const event = (type: RunEvent['type'], fields: object = {}): RunEvent => ({ type, runId: 'r', at: 0, ...fields }) as unknown as RunEvent;

/**
 * Feeds a run (started, `leaves` leaf events, finished) through the sink to a trace that sends
 * its start after `sentAfter` events; returns the order of what happened: each event the trace
 * took, and each collection ("gc").
 */
function history(specChars: number, { leaves = 3, sentAfter = 2, reduces = [] as number[] } = {}): string[] {
  const seen: string[] = [];
  const trace = {
    sink: { emit: (taken: RunEvent) => seen.push(taken.type) },
    get startSent() {
      return seen.length > sentAfter;
    },
  };
  const sink = new CollectAtRunEdges(trace, () => seen.push('gc'));
  const events = [
    event('run_started', { spec: 'x'.repeat(specChars) }),
    ...Array.from({ length: leaves }, (_, index) => (reduces.includes(index) ? event('node_started', { kind: 'reduce' }) : event('node_started', { kind: 'leaf' }))),
    event('run_finished'),
  ];
  for (const next of events) sink.emit(next);
  return seen;
}

describe('CollectAtRunEdges', () => {
  it('in a wide run, collects once the trace has sent the start, and on both sides of the trace taking run_finished', () => {
    expect(history(WIDE_SPEC_TEXT_CHARS)).toEqual(['run_started', 'node_started', 'node_started', 'gc', 'node_started', 'gc', 'run_finished', 'gc']);
    expect(history(WIDE_SPEC_TEXT_CHARS, { sentAfter: 0 })).toEqual(['run_started', 'gc', 'node_started', 'node_started', 'node_started', 'gc', 'run_finished', 'gc']);
  });

  it('collects before a reduce starts, when enough has happened since the last collection', () => {
    const many = EVENTS_BETWEEN_REDUCE_COLLECTIONS + 5;
    const seen = history(WIDE_SPEC_TEXT_CHARS, { leaves: many, sentAfter: 0, reduces: [3, many - 2, many - 1] });
    const collections = seen.flatMap((entry, index) => (entry === 'gc' ? [index] : []));
    // After the start; not before the reduce at 3 (too soon), before the one at many - 2, not the next; around run_finished.
    expect(collections).toHaveLength(4);
    expect(seen[collections[1]! + 1]).toBe('node_started');
    expect(collections[1]).toBe(1 + 1 + (many - 2));
  });

  it('passes every event to the trace and collects nothing in a narrower run (a collection would cost more than it returns)', () => {
    expect(history(WIDE_SPEC_TEXT_CHARS - 1)).toEqual(['run_started', 'node_started', 'node_started', 'node_started', 'run_finished']);
  });

  it('collects at run_finished even when the start was not sent before it (it then goes in the same batch)', () => {
    expect(history(WIDE_SPEC_TEXT_CHARS, { sentAfter: 100 })).toEqual(['run_started', 'node_started', 'node_started', 'node_started', 'gc', 'run_finished', 'gc']);
  });
});

describe('collectGarbage', () => {
  it('collects what nothing holds any more, without leaving a global gc behind', async () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc;
    const weak = new WeakRef({ payload: 'x'.repeat(1_000) });
    // A WeakRef holds its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(weak.deref()).toBeUndefined();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(hadGc);
  });
});
