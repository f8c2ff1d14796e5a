import { describe, expect, it } from 'vitest';
import type { WorkflowSpecInput } from '../ir/index.js';
import { TraceSink } from '../trace/index.js';
import { selectLiveNodes, UnknownNodeError } from './live-node-selection.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import type { LeafRunner } from '../engine/index.js';
import { emptyMemoUsage, emptyUsage } from '../ir/index.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, recordLiveRun, spec } from './testing/hand-built-specs.js';

const leaf = (id: string, depends: string[] = []) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}`, depends_on_results: depends } });

const diamond = spec({
  id: 'diamond',
  goal: 'graph-aware re-runs',
  nodes: [
    { kind: 'branch_set', spec: { id: 'left', parallel: true, children: [leaf('a'), leaf('c')] } },
    leaf('b', ['a']),
    leaf('d', ['c']),
    { kind: 'reduce', spec: { id: 'merge', inputs: ['b'], prompt: 'merge' } },
    leaf('late', []),
  ],
} as WorkflowSpecInput);

describe('selectLiveNodes', () => {
  it('takes the node and its transitive dependents, not later independent nodes', () => {
    expect([...selectLiveNodes(diamond, 'a')].sort()).toEqual(['a', 'b', 'merge']);
    expect([...selectLiveNodes(diamond, 'd')].sort()).toEqual(['d']);
  });

  it('includes a container and everything inside it, and readers of a container whose child re-runs', () => {
    const nested = spec({
      goal: 'containers',
      nodes: [
        { kind: 'branch_set', spec: { id: 'group', children: [leaf('x'), leaf('y')] } },
        { kind: 'reduce', spec: { id: 'sum', inputs: ['group'], prompt: 'sum' } },
        { kind: 'loop_until', spec: { id: 'loop', condition: 'done?', max_iterations: 2, children: [leaf('inner'), leaf('other')] } },
        leaf('after', ['loop']),
        leaf('alone'),
      ],
    } as WorkflowSpecInput);
    expect([...selectLiveNodes(nested, 'group')].sort()).toEqual(['group', 'sum', 'x', 'y']);
    expect([...selectLiveNodes(nested, 'y')].sort()).toEqual(['sum', 'y']);
    // A loop's later iterations and its stop decision read what changed: the loop re-runs whole.
    expect([...selectLiveNodes(nested, 'inner')].sort()).toEqual(['after', 'inner', 'loop', 'other']);
  });

  it('names an unknown node clearly', () => {
    expect(() => selectLiveNodes(diamond, 'merg')).toThrow(UnknownNodeError);
    expect(() => selectLiveNodes(diamond, 'merg')).toThrow('the workflow has no node "merg" (did you mean "merge"?)');
  });
});

describe('replay --from NODE', () => {
  it('re-runs exactly the node and its dependents live and serves everything else', async () => {
    const store = freshStore();
    await recordLiveRun(store, diamond, 'original');
    const leafRunner = new CountingLeafRunner({ outputOf: (id) => `changed ${id}` });
    const gateway = new CountingGateway();
    const sink = new TraceSink(store);
    const outcome = await replayRun({ recorded: readRecordedRun(store, 'original'), runId: 'from-a', sink, fromNodeId: 'a', leafRunner, gateway });
    sink.close();
    expect([...outcome.liveNodes].sort()).toEqual(['a', 'b', 'merge']);
    expect(leafRunner.calls).toBe(2);
    expect(gateway.calls).toBe(1);
    expect(outcome.liveCalls).toEqual({ leafRuns: 2, gatewayCalls: 1 });
    expect(outcome.ranLive).toBe(3);
    expect(outcome.servedFromTrace).toBe(3);
    // Count by source in the recorded replay too.
    const completed = store.events('from-a').flatMap((entry) => (entry.event.type === 'effect_completed' ? [[entry.event.scope.nodeId, entry.event.source]] : []));
    expect(Object.fromEntries(completed)).toEqual({ a: 'live', c: 'trace', b: 'live', d: 'trace', merge: 'live', late: 'trace' });
    // The new outputs make the result differ from the recorded one, first at a.
    expect(outcome.parity).toMatchObject({ identical: false, divergedAt: 'left/a' });
    expect(outcome.divergences).toEqual([]);
    store.close();
  });

  it('judges the results of live nodes, not their cost: a memo hit for what the recording paid is still identical', async () => {
    const store = freshStore();
    await recordLiveRun(store, diamond, 'paid');
    // The same answers, served by the memo the recording filled: no tokens paid, one hit each.
    const counting = new CountingLeafRunner();
    const memoServed: LeafRunner = {
      async run(input, context) {
        const result = await counting.run(input, context);
        return { ...result, usage: emptyUsage(), memo_usage: { ...emptyMemoUsage(), armh_hits: 1 } };
      },
    };
    const sink = new TraceSink(store);
    const outcome = await replayRun({ recorded: readRecordedRun(store, 'paid'), runId: 'from-a-memo', sink, fromNodeId: 'a', leafRunner: memoServed, gateway: new CountingGateway() });
    sink.close();
    expect(counting.calls).toBe(2);
    expect(outcome.parity.identical).toBe(true);
    expect(outcome.parity.accounting).toMatch(/^the live effects cost differently: tokens \d+ → \d+, memo hits 0 → 2$/);
    store.close();
  });

  it('keeps judging cost in a pure replay, where every effect comes from the trace', async () => {
    const store = freshStore();
    await recordLiveRun(store, diamond, 'pure');
    const sink = new TraceSink(store);
    const outcome = await replayRun({ recorded: readRecordedRun(store, 'pure'), runId: 'pure-replay', sink });
    sink.close();
    expect(outcome.parity).toEqual({ identical: true });
    store.close();
  });
});

