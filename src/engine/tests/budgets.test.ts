import { describe, expect, it } from 'vitest';
import { estimateRun } from '../budget/estimate-run.js';
import { branch, leaf, runMock, spec } from './harness.js';

const spendy = `leaves:
  - match: {prompt: "."}
    latency_ms: 100
    activity: [step1, step2, step3]
    usage: {input_tokens: 300, output_tokens: 100, cost_microusd: 4000}
`;

describe('budgets', () => {
  it('a leaf crossing its own max_tokens stops mid-flight with budget_exceeded and a partial result', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('hungry', { budget: { max_tokens: 150 } }), leaf('next')] }), { fixture: spendy });
    const hungry = run.byId('hungry');
    expect(hungry.status).toBe('budget_exceeded');
    expect(hungry.details?.cancel_reason).toMatchObject({ type: 'budget_exceeded', budget: 'max_tokens', nodeId: 'hungry', limit: 150 });
    expect(hungry.usage.input_tokens).toBe(200);
    expect(run.byId('next').status).toBe('succeeded');
    expect(run.result.status).toBe('budget_exceeded');
    expect(run.runner.running).toBe(0);
    expect(run.sink.ofType('cancel_requested')[0]).toMatchObject({ nodeId: 'hungry' });
  });

  it('a branch budget cancels exactly that subtree; siblings outside it finish', async () => {
    const workflow = spec({
      goal: 'g',
      nodes: [branch('outer', [branch('capped', [leaf('a'), leaf('b'), leaf('c')], { budget: { max_cost_microusd: 5000 } }), leaf('free')])],
    });
    const run = await runMock(workflow, { fixture: spendy });
    expect(run.byId('capped').status).toBe('budget_exceeded');
    expect(run.byId('a').status).toBe('budget_exceeded');
    expect(run.byId('free').status).toBe('succeeded');
    expect(run.runner.running).toBe(0);
  });

  it('the workflow budget is inherited by every level (max_steps)', async () => {
    const workflow = spec({ goal: 'g', budget: { max_steps: 2 }, nodes: [leaf('a'), leaf('b'), leaf('c'), leaf('d')] });
    const run = await runMock(workflow);
    expect(run.runner.started).toEqual(['a', 'b', 'c']);
    expect(run.byId('c').status).toBe('budget_exceeded');
    expect(run.byId('d').status).toBe('budget_exceeded');
    expect(run.result.status).toBe('budget_exceeded');
  });

  it('max_leaves refuses the leaf that would pass it', async () => {
    const workflow = spec({ goal: 'g', nodes: [branch('capped', [leaf('a'), leaf('b'), leaf('c')], { parallel: false, budget: { max_leaves: 2 } }), leaf('outside')] });
    const run = await runMock(workflow);
    expect(run.runner.started).toEqual(['a', 'b', 'outside']);
    expect(run.byId('c').details?.cancel_reason).toMatchObject({ budget: 'max_leaves', nodeId: 'capped' });
  });

  it('timeout_secs cancels a slow subtree by the injected clock', async () => {
    const workflow = spec({ goal: 'g', nodes: [branch('slow', [leaf('a'), leaf('b')], { budget: { timeout_secs: 1 } }), leaf('after')] });
    const run = await runMock(workflow, { fixture: 'leaves:\n  - match: {prompt: "do [ab]"}\n    latency_ms: 5000\n' });
    expect(run.byId('slow').status).toBe('budget_exceeded');
    expect(run.byId('a').details?.cancel_reason).toMatchObject({ budget: 'timeout_secs' });
    expect(run.byId('after').status).toBe('succeeded');
    expect(run.runner.running).toBe(0);
  });

});

describe('estimateRun', () => {
  it('counts loops at max_iterations, expands at max_children and both cond arms', () => {
    const workflow = spec({
      goal: 'g',
      nodes: [
        { kind: 'loop_until', spec: { id: 'l', condition: 'c', max_iterations: 3, children: [leaf('a'), leaf('b')] } },
        { kind: 'expand', spec: { id: 'e', source: 's', max_children: 4, template: leaf('t') } },
        { kind: 'cond', spec: { id: 'c', condition: 'c', then_nodes: [leaf('y')], else_nodes: [leaf('n')] } },
      ],
    });
    const estimate = estimateRun(workflow, { inputUsdPerMillionTokens: 1, outputUsdPerMillionTokens: 2, inputTokensPerCall: 1000, outputTokensPerCall: 500 });
    expect(estimate.leaves).toBe(6 + 4 + 2);
    expect(estimate.modelCalls).toBe(3 + 2 + 1);
    expect(estimate.costMicrousd).toBe((12 + 6) * (1000 * 1 + 500 * 2));
    expect(estimateRun(workflow).costMicrousd).toBeNull();
  });
});
