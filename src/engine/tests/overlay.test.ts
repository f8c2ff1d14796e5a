import { describe, expect, it } from 'vitest';
import { leafInputHash } from '../../ir/index.js';
import type { EffectResult, GatewayRequest, LeafRunInput, LeafRunner, ModelGateway, RunEventOf, RunOverlay } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { leaf, spec } from './harness.js';

const BLOCK = '--- BEGIN WHALEFLOW LESSONS ---\n- [note abc] use named exports\n--- END WHALEFLOW LESSONS ---';
const overlay: RunOverlay = {
  snapshotId: 's'.repeat(64),
  lessons: [{ id: 'a'.repeat(64), kind: 'note', title: 'named exports', effect: 'advisory for implementer' }],
  blocks: [BLOCK],
  leafBlocks: { fix: 0 },
  roleBlocks: { reducer: 0 },
  rolePolicies: { reducer: { crossRun: 'never' } },
};

const workflow = spec({
  id: 'w',
  goal: 'g',
  nodes: [leaf('fix', { role: 'implementer' }), leaf('look', { role: 'explore' }), { kind: 'reduce', spec: { id: 'sum', inputs: ['look'], prompt: 'sum up' } }],
});

class Recording implements LeafRunner, ModelGateway {
  readonly leaves: LeafRunInput[] = [];
  readonly calls: GatewayRequest[] = [];
  async run(input: LeafRunInput): Promise<EffectResult> {
    this.leaves.push(input);
    return { status: 'succeeded', output: `did ${input.leaf.id}`, usage: { input_tokens: 1, output_tokens: 1, cost_microusd: 0 }, memo_usage: { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 } };
  }
  async complete(request: GatewayRequest) {
    this.calls.push(request);
    return { text: 'summary', usage: { input_tokens: 1, output_tokens: 1, cost_microusd: 0 }, memo_usage: { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 } };
  }
}

async function run(withOverlay: RunOverlay | undefined) {
  const environment = new VirtualEnvironment();
  const ports = new Recording();
  const sink = new MemoryEventSink();
  const result = await environment.drive(executeWorkflow({ spec: workflow, runId: 'r', sink, leafRunner: ports, gateway: ports, environment, ...(withOverlay ? { overlay: withOverlay } : {}) }));
  return { result, ports, sink };
}

describe('the overlay as an input of the run', () => {
  it('is recorded in run_started, reaches the leaves and engine calls it covers, and changes exactly their keys', async () => {
    const plain = await run(undefined);
    const overlaid = await run(overlay);
    const started = overlaid.sink.events.find((event): event is RunEventOf<'run_started'> => event.type === 'run_started')!;
    expect(started.overlay).toEqual(overlay);
    expect(plain.sink.events.find((event) => event.type === 'run_started')).not.toHaveProperty('overlay');

    const fix = overlaid.ports.leaves.find((input) => input.leaf.id === 'fix')!;
    expect(fix.overlay?.advisory).toBe(BLOCK);
    expect(overlaid.ports.leaves.find((input) => input.leaf.id === 'look')!.overlay).toBeUndefined();
    expect(overlaid.ports.calls[0]).toMatchObject({ role: 'reducer', policy: { crossRun: 'never' } });
    expect(overlaid.ports.calls[0]!.system).toContain(BLOCK);
    expect(plain.ports.calls[0]!.system ?? '').not.toContain('WHALEFLOW LESSONS');

    const keys = (sink: MemoryEventSink) => Object.fromEntries(sink.events.filter((event): event is RunEventOf<'effect_completed'> => event.type === 'effect_completed').map((event) => [event.scope.nodeId, event.key]));
    const before = keys(plain.sink);
    const after = keys(overlaid.sink);
    expect(before.fix).toBe(leafInputHash(workflow, workflow.nodes[0]!.spec as never, {}));
    expect(after.fix).not.toBe(before.fix);
    expect(after.look).toBe(before.look); // not covered: same key, so a student replay serves it from the baseline
    expect(after.sum).not.toBe(before.sum);
    // The result keeps CodeWhale's leaf input hash whatever the overlay.
    expect(overlaid.result.results[0]!.input_hash).toBe(plain.result.results[0]!.input_hash);
  });
});
