import { describe, expect, it } from 'vitest';
import { branch, leaf, runMock, spec } from './harness.js';

const slow = 'defaults: {latency_ms: 1000}\n';

describe('cancellation', () => {
  it('a user cancel mid-run stops every running leaf, leaves none running, and reports cancelled', async () => {
    const controller = new AbortController();
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('a'), leaf('b2'), branch('inner', [leaf('c'), leaf('d')])]), leaf('later')] });
    const run = await runMock(workflow, {
      fixture: slow,
      signal: controller.signal,
      during: (environment) => void environment.sleep(500).then(() => controller.abort()),
    });
    expect(run.result.status).toBe('cancelled');
    expect(run.runner.running).toBe(0);
    expect(run.runner.started).toEqual(['a', 'b2', 'c', 'd']);
    for (const id of ['a', 'b2', 'c', 'd', 'later']) expect(run.byId(id).status).toBe('cancelled');
    expect(run.sink.ofType('cancel_requested')[0]).toMatchObject({ nodeId: null, reason: { type: 'user' } });
    expect(run.sink.events.at(-1)!.type).toBe('run_finished');
  });

  it('a cancel while leaves are queued for a slot drops them from the queue without starting them', async () => {
    const controller = new AbortController();
    const ids = Array.from({ length: 10 }, (_, index) => `q${index}`);
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', ids.map((id) => leaf(id)))] }), {
      fixture: slow,
      limits: { maxConcurrentLeaves: 2 },
      signal: controller.signal,
      during: (environment) => void environment.sleep(1500).then(() => controller.abort()),
    });
    expect(run.runner.started).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(run.runner.running).toBe(0);
    expect(run.result.status).toBe('cancelled');
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('a')] }), { signal: controller.signal });
    expect(run.runner.started).toEqual([]);
    expect(run.result.status).toBe('cancelled');
  });

  it('the no-progress watchdog fails a hung leaf instead of waiting forever; its siblings finish', async () => {
    const fixture = 'leaves:\n  - match: {id: stuck}\n    hang: true\n  - match: {id: chatty}\n    latency_ms: 20000\n    activity: [a, b, c, d, e, f, g, h, i, j]\n';
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', [leaf('stuck'), leaf('chatty'), leaf('quick')])] }), { fixture, limits: { leafIdleTimeoutMs: 5000 } });
    expect(run.byId('stuck').status).toBe('failed');
    expect(run.byId('stuck').details?.cancel_reason).toMatchObject({ type: 'no_progress', nodeId: 'stuck' });
    expect(run.byId('chatty').status).toBe('succeeded');
    expect(run.byId('quick').status).toBe('succeeded');
    expect(run.runner.running).toBe(0);
  });

  it('consumers waiting on cancelled producers are reported cancelled, not failed', async () => {
    const controller = new AbortController();
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('p'), leaf('uses', { depends_on_results: ['p'] })]), { kind: 'reduce', spec: { id: 'r', inputs: ['p'], prompt: 'sum' } }] });
    const run = await runMock(workflow, { fixture: slow, signal: controller.signal, during: (environment) => void environment.sleep(10).then(() => controller.abort()) });
    expect(run.byId('uses').status).toBe('cancelled');
    expect(run.byId('r').status).toBe('cancelled');
    expect(run.gateway.requests).toHaveLength(0);
  });
});
