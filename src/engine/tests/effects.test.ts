import { describe, expect, it } from 'vitest';
import { emptyMemoUsage, leafInputHash } from '../../ir/index.js';
import { MockModelGateway } from '../../leaves/mock/index.js';
import { DeterminismViolation, type EffectBoundary, type EffectRequest, type LeafRunInput, type LeafRunner } from '../contracts/index.js';
import { executeWorkflow } from '../execute-workflow.js';
import { MemoryEventSink } from '../memory-event-sink.js';
import { VirtualEnvironment } from '../testing/virtual-environment.js';
import { branch, leaf, runMock, spec } from './harness.js';

describe('effects through the boundary', () => {
  it('every leaf, reduce and decision goes through the boundary, with events around each', async () => {
    const requests: EffectRequest[] = [];
    const recording: EffectBoundary = {
      async perform(request, live) {
        requests.push(request);
        return { result: await live(), source: 'live' };
      },
    };
    const workflow = spec({
      id: 'wf',
      goal: 'g',
      nodes: [
        { kind: 'loop_until', spec: { id: 'loop', condition: 'ok?', max_iterations: 2, children: [leaf('a')] } },
        { kind: 'reduce', spec: { id: 'r', inputs: ['a'], prompt: 'p' } },
      ],
    });
    const run = await runMock(workflow, { boundary: recording });
    expect(requests.map((request) => [request.kind, request.scope.nodeId, request.scope.iteration, request.ordinal])).toEqual([
      ['leaf', 'a', 0, 0],
      ['decision', 'loop', 0, 0],
      ['reduce', 'r', 0, 0],
    ]);
    expect(requests[0]!.key).toBe(leafInputHash(workflow, workflow.nodes[0]!.kind === 'loop_until' ? (workflow.nodes[0]!.spec.children[0]!.spec as never) : (null as never), {}));
    const types = run.sink.events.map((event) => event.type);
    expect(types[0]).toBe('run_started');
    expect(types.filter((type) => type === 'effect_requested')).toHaveLength(3);
    expect(run.sink.ofType('effect_completed').every((event) => event.source === 'live')).toBe(true);
  });

  it('a boundary serving from a trace is reported with source "trace" and never calls the runner', async () => {
    const served: EffectBoundary = {
      async perform() {
        return { result: { status: 'succeeded', output: 'from trace', usage: { input_tokens: 1, output_tokens: 1, cost_microusd: 0 }, memo_usage: emptyMemoUsage() }, source: 'trace' };
      },
    };
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('a')] }), { boundary: served });
    expect(run.runner.started).toEqual([]);
    expect(run.byId('a').output).toBe('from trace');
    expect(run.sink.ofType('effect_completed')[0]!.source).toBe('trace');
  });

  it('a determinism violation marks the node replay_diverged', async () => {
    const diverging: EffectBoundary = {
      async perform(request) {
        throw new DeterminismViolation(request.scope, request.ordinal, 'other', request.key, 'not in the trace');
      },
    };
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('a'), { kind: 'reduce', spec: { id: 'r', inputs: [], prompt: 'p' } }] }), { boundary: diverging });
    expect(run.byId('a').status).toBe('replay_diverged');
    expect(run.byId('r').status).toBe('replay_diverged');
    expect(run.result.status).toBe('replay_diverged');
  });

  it('hands the leaf its role, effective permissions and the remaining budget (min over the chain)', async () => {
    const inputs: LeafRunInput[] = [];
    const runner: LeafRunner = {
      async run(input) {
        inputs.push(input);
        return { status: 'succeeded', output: 'ok', usage: { input_tokens: 0, output_tokens: 0, cost_microusd: 0 }, memo_usage: emptyMemoUsage() };
      },
    };
    const environment = new VirtualEnvironment();
    const workflow = spec({ goal: 'g', budget: { max_tokens: 1000 }, nodes: [branch('b', [leaf('x', { agent_type: 'review', budget: { max_tokens: 5000 } })], { budget: { max_tokens: 700, timeout_secs: 10 } })] });
    await environment.drive(executeWorkflow({ spec: workflow, runId: 'r', sink: new MemoryEventSink(), environment, leafRunner: runner, gateway: new MockModelGateway(environment) }));
    expect(inputs[0]).toMatchObject({ role: 'reviewer', budget: { tokens: 700, deadline: environment.now() + 10_000 }, permissions: { isolation: 'shared', allowWrite: false } });
  });
});

describe('run_started', () => {
  it('records the canonical spec and its hash, the same with validated: true', async () => {
    const { specHash, toCanonicalJson } = await import('../../ir/index.js');
    const workflow = spec({ id: 'wf', goal: 'g', nodes: [branch('b', [leaf('a', { budget: { max_cost_microusd: 5 } })])] });
    for (const validated of [false, true]) {
      const environment = new VirtualEnvironment();
      const sink = new MemoryEventSink();
      await environment.drive(executeWorkflow({ spec: workflow, runId: 'r', sink, environment, leafRunner: { run: async () => ({ status: 'succeeded', output: '', usage: { input_tokens: 0, output_tokens: 0, cost_microusd: 0 }, memo_usage: emptyMemoUsage() }) }, gateway: new MockModelGateway(environment), validated }));
      expect(sink.ofType('run_started')[0]).toMatchObject({ spec: toCanonicalJson(workflow), specHash: specHash(workflow), engineVersion: expect.any(String) });
    }
  });
});
