import { describe, expect, it } from 'vitest';
import { leafInputHash, type LeafSpec, type NodeSpec } from '../../ir/index.js';
import { branch, leaf, runMock, sequence, spec } from './harness.js';

const workflow = spec({
  id: 'validated',
  goal: 'the same run either way',
  nodes: [
    branch('fan', [leaf('a'), leaf('b', { prompt: 'ünïcode "quoted" \\ \u0001' }), leaf('c', { depends_on_results: ['a'] })], { budget: { max_parallel: 2 } }),
    { kind: 'loop_until', spec: { id: 'loop', max_iterations: 3, condition: 'done?', children: [leaf('fix'), leaf('check', { depends_on_results: ['fix'] })] } },
    sequence('tail', [leaf('t1'), leaf('t2', { depends_on_results: ['t1', 'fan'] })]),
  ],
});

const fixture = { defaults: { judge_answer: false }, leaves: [], judge: [], expand: [], reduce: [] };

function leavesOf(nodes: readonly NodeSpec[]): LeafSpec[] {
  return nodes.flatMap((node) => {
    if (node.kind === 'leaf') return [node.spec];
    const lists = 'children' in node.spec ? [node.spec.children as NodeSpec[]] : [];
    return lists.flatMap((list) => leavesOf(list));
  });
}

describe('a run of a validated spec (run_started written in pieces, leaf input hashes taken as it is written)', () => {
  it('records the same events as the same run validated by the engine itself', async () => {
    const checked = await runMock(workflow, { fixture });
    const trusted = await runMock(workflow, { fixture, validated: true });
    expect(trusted.result).toEqual(checked.result);
    expect(trusted.sink.events).toEqual(checked.sink.events);
  });

  it('gives each leaf, in every loop iteration, CodeWhale’s input hash over its resolved inputs', async () => {
    const { sink } = await runMock(workflow, { fixture, validated: true });
    const byId = new Map(leavesOf(workflow.nodes).map((leafSpec) => [leafSpec.id, leafSpec]));
    const requested = sink.events.filter((event) => event.type === 'effect_requested' && event.kind === 'leaf');
    expect(requested.length).toBe(5 + 2 * 3);
    for (const event of requested) {
      if (event.type !== 'effect_requested') continue;
      const input = event.input as { leaf_id: string; resolved_inputs: Record<string, string | null> };
      expect(event.key).toBe(leafInputHash(workflow, byId.get(input.leaf_id)!, input.resolved_inputs));
    }
  });
});

describe('leaf input hashes taken ahead', () => {
  it('are the same hashes when leaves start in another order than the text writes them', async () => {
    // Sequences in a parallel branch: the text writes s0's leaves, then s1's; they start s0.l0, s1.l0, s0.l1, …
    const sequences = Array.from({ length: 3 }, (_, s) => sequence(`s${s}`, Array.from({ length: 4 }, (_, index) => leaf(`s${s}l${index}`))));
    const nested = spec({ id: 'nested', goal: 'leaves out of the written order', nodes: [branch('fan', sequences), leaf('last')] });
    const { sink, result } = await runMock(nested, { validated: true, fixture: { ...fixture, defaults: { latency_ms: 5 } } });
    expect(result.status).toBe('succeeded');
    const leaves = new Map(leavesOf(nested.nodes).map((leafSpec) => [leafSpec.id, leafSpec]));
    const keys = sink.events.flatMap((event) => (event.type === 'effect_requested' ? [[(event.input as { leaf_id: string }).leaf_id, event.key] as const] : []));
    expect(keys.map(([id]) => id).slice(0, 6)).toEqual(['s0l0', 's1l0', 's2l0', 's0l1', 's1l1', 's2l1']);
    expect(keys.length).toBe(13);
    expect(keys.filter(([id, key]) => key !== leafInputHash(nested, leaves.get(id)!, {}))).toEqual([]);
  });

  it('are the same hashes when a run has more leaves than are taken while run_started is written', async () => {
    const count = 16_500; // above the 16,384 hashes RunContext takes ahead
    const wide = spec({ id: 'wide', goal: 'more leaves than the hashes taken ahead', nodes: [branch('fan', Array.from({ length: count }, (_, index) => leaf(`l${index}`)), { budget: { max_parallel: 64 } })] });
    const { sink, result } = await runMock(wide, { validated: true });
    expect(result.status).toBe('succeeded');
    const leaves = new Map(leavesOf(wide.nodes).map((leafSpec) => [leafSpec.id, leafSpec]));
    const keys = sink.events.flatMap((event) => (event.type === 'effect_requested' ? [[(event.input as { leaf_id: string }).leaf_id, event.key] as const] : []));
    expect(keys.length).toBe(count);
    const wrong = keys.filter(([id, key]) => key !== leafInputHash(wide, leaves.get(id)!, {}));
    expect(wrong).toEqual([]);
  });
});
