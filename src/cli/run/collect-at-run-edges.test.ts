import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { CollectAtRunEdges, WIDE_SPEC_TEXT_CHARS } from './collect-at-run-edges.js';
import { collectGarbage } from './collect-garbage.js';

const event = (type: RunEvent['type'], fields: object = {}): RunEvent => ({ type, runId: 'r', at: 0, ...fields }) as unknown as RunEvent;
const runStarted = (specChars: number): RunEvent => event('run_started', { spec: 'x'.repeat(specChars) });

/** Feeds the sink a run (started, `leaves` leaf events, finished), the trace sending its start after `sentAfter` events; returns when it collected. */
function collections(specChars: number, { leaves = 10, sentAfter = 3 } = {}): number[] {
  const at: number[] = [];
  let emitted = 0;
  const sink = new CollectAtRunEdges(
    () => emitted > sentAfter,
    () => at.push(emitted),
  );
  const events = [runStarted(specChars), ...Array.from({ length: leaves }, () => event('node_started')), event('run_finished')];
  for (const next of events) {
    sink.emit(next);
    emitted += 1;
  }
  return at;
}

describe('CollectAtRunEdges', () => {
  it('collects twice in a wide run: at the first event after the trace sent its start, and at run_finished', () => {
    expect(collections(WIDE_SPEC_TEXT_CHARS)).toEqual([4, 11]);
    expect(collections(WIDE_SPEC_TEXT_CHARS, { sentAfter: 0 })).toEqual([1, 11]);
  });

  it('collects nothing in a narrower run: the copies are small there, and a collection would cost more than it returns', () => {
    expect(collections(WIDE_SPEC_TEXT_CHARS - 1)).toEqual([]);
  });

  it('collects at run_finished even when the start was never sent before it (it then goes in the same batch)', () => {
    expect(collections(WIDE_SPEC_TEXT_CHARS, { leaves: 2, sentAfter: 100 })).toEqual([3]);
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
