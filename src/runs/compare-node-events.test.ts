import { describe, expect, it } from 'vitest';
import { emptyMemoUsage, emptyUsage } from '../ir/index.js';
import type { RunEvent } from '../engine/index.js';
import { compareNodeEvents, NodeRecord } from './compare-node-events.js';

const started = (nodeId: string, parentId: string | null): RunEvent => ({ type: 'node_started', runId: 'r', at: 0, nodeId, kind: parentId ? 'leaf' : 'branch_set', parentId, iteration: 0 });
const finished = (nodeId: string, output: string | null, iteration = 0): RunEvent => ({
  type: 'node_finished',
  runId: 'r',
  at: 0,
  nodeId,
  kind: 'leaf',
  iteration,
  status: 'succeeded',
  output,
  usage: emptyUsage(),
  memoUsage: emptyMemoUsage(),
});
const run = (outputs: Record<string, string>): RunEvent[] => [
  started('fan', null),
  ...Object.entries(outputs).flatMap(([id, output]) => [started(id, 'fan'), finished(id, output)]),
  finished('fan', null),
];

describe('compareNodeEvents', () => {
  it('finds no difference between equal runs', () => {
    expect(compareNodeEvents(run({ a: 'x', b: 'y' }), run({ a: 'x', b: 'y' }))).toBeUndefined();
  });

  it('names the first differing node by its path, with the field that differs', () => {
    expect(compareNodeEvents(run({ a: 'x', b: 'y' }), run({ a: 'x', b: 'z' }))).toEqual({ identical: false, divergedAt: 'fan/b', detail: 'output differs: recorded "y", replayed "z"' });
  });

  it('names a node the replay lacks, or has in addition', () => {
    expect(compareNodeEvents(run({ a: 'x', b: 'y' }), run({ a: 'x' }))).toMatchObject({ divergedAt: 'fan/b', detail: 'the replay lacks node "b"' });
    expect(compareNodeEvents(run({ a: 'x' }), run({ a: 'x', c: 'y' }))).toMatchObject({ divergedAt: 'fan/c', detail: 'the replay has an extra node "c"' });
  });

  it('judges a replay folded event by event (as replayRun keeps it) as it judges its events', () => {
    const folded = (events: readonly RunEvent[]): NodeRecord => {
      const record = new NodeRecord();
      for (const event of events) record.add(event);
      return record;
    };
    expect(compareNodeEvents(run({ a: 'x', b: 'y' }), folded(run({ a: 'x', b: 'y' })))).toBeUndefined();
    expect(compareNodeEvents(run({ a: 'x', b: 'y' }), folded(run({ a: 'x', b: 'z' })))).toEqual({ identical: false, divergedAt: 'fan/b', detail: 'output differs: recorded "y", replayed "z"' });
    expect(compareNodeEvents(run({ a: 'x' }), folded(run({ a: 'x', c: 'y' })))).toMatchObject({ divergedAt: 'fan/c', detail: 'the replay has an extra node "c"' });
  });

  it('tells loop iterations and repeated executions apart', () => {
    const loop = (second: string): RunEvent[] => [started('a', null), finished('a', 'one', 0), finished('a', second, 1)];
    expect(compareNodeEvents(loop('two'), loop('two'))).toBeUndefined();
    expect(compareNodeEvents(loop('two'), loop('2'))).toMatchObject({ divergedAt: 'a', detail: 'output differs: recorded "two", replayed "2"' });
  });
});
