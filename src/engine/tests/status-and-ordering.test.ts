import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MockFixture } from '../../leaves/mock/index.js';
import { branch, leaf, runMock, spec, statuses } from './harness.js';

describe('status aggregation', () => {
  it('a failed leaf does not stop its independent siblings, and containers aggregate honestly', async () => {
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('ok1'), leaf('bad'), leaf('ok2')]), leaf('after')] });
    const run = await runMock(workflow, { fixture: 'leaves:\n  - match: {id: bad}\n    failure: {message: boom}\n' });
    expect(statuses(run.result.results)).toEqual({ b: 'failed', ok1: 'succeeded', bad: 'failed', ok2: 'succeeded', after: 'succeeded' });
    expect(run.result.status).toBe('failed');
    expect(run.byId('b').error).toBe('boom');
  });

  it('a consumer of a failed producer fails explicitly, naming the producer', async () => {
    const workflow = spec({ goal: 'g', nodes: [leaf('bad'), leaf('uses', { depends_on_results: ['bad'] })] });
    const run = await runMock(workflow, { fixture: 'leaves:\n  - match: {id: bad}\n    failure: {message: boom}\n' });
    expect(run.byId('uses').status).toBe('failed');
    expect(run.byId('uses').error).toContain('depends_on_results names "bad", which ended failed (boom)');
    expect(run.runner.started).toEqual(['bad']);
  });

  it('a consumer of a producer in an arm not taken fails: it did not run', async () => {
    const workflow = spec({
      goal: 'g',
      nodes: [{ kind: 'cond', spec: { id: 'c', condition: 'x?', then_nodes: [leaf('p')], else_nodes: [] } }, leaf('uses', { depends_on_results: ['p'] })],
    });
    const run = await runMock(workflow, { fixture: 'judge:\n  - match: {node: c}\n    answer: false\n' });
    expect(run.byId('uses').error).toContain('"p", which did not run');
  });

  it('retries a transient failure and succeeds', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('flaky')] }), { fixture: 'leaves:\n  - match: {id: flaky}\n    failure: {kind: transient, times: 2}\n' });
    expect(run.result.status).toBe('succeeded');
    expect(run.byId('flaky').details).toMatchObject({ attempts: 3 });
    expect(run.sink.ofType('effect_requested').map((event) => event.ordinal)).toEqual([0, 1, 2]);
  });

  it('retries a transient failure of a leaf that waits, each attempt waiting and recorded as its own effect', async () => {
    const fixture = 'leaves:\n  - match: {id: slow-flaky}\n    latency_ms: 30\n    failure: {kind: transient, times: 1}\n  - match: {id: slow}\n    latency_ms: 50\n';
    const run = await runMock(spec({ goal: 'g', nodes: [branch('both', [leaf('slow-flaky'), leaf('slow')])] }), { fixture });
    expect(run.result.status).toBe('succeeded');
    expect(run.byId('slow-flaky').details).toMatchObject({ attempts: 2 });
    expect(run.sink.ofType('effect_requested').map((event) => [event.scope.nodeId, event.ordinal])).toEqual([
      ['slow-flaky', 0],
      ['slow', 0],
      ['slow-flaky', 1],
    ]);
    expect(run.sink.ofType('effect_completed').map((event) => [event.scope.nodeId, event.ordinal, event.result.status])).toEqual([
      ['slow-flaky', 0, 'failed'],
      ['slow', 0, 'succeeded'],
      ['slow-flaky', 1, 'succeeded'],
    ]);
    expect(run.runner.running).toBe(0);
  });

  it('does not retry a terminal failure', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [leaf('dead')] }), { fixture: 'leaves:\n  - match: {id: dead}\n    failure: {kind: terminal}\n' });
    expect(run.runner.started).toEqual(['dead']);
  });
});

describe('ordering', () => {
  it('reports results in declaration order whatever the completion order (any latency schedule)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 12 }), fc.integer({ min: 1, max: 6 }), async (latencies, limit) => {
        const ids = latencies.map((_, index) => `n${index}`);
        const workflow = spec({ goal: 'g', nodes: [branch('b', ids.map((id) => leaf(id)))] });
        const fixture: MockFixture = { leaves: latencies.map((latency, index) => ({ match: { id: `n${index}` }, latency_ms: latency })), judge: [], expand: [], reduce: [] };
        const run = await runMock(workflow, { fixture, limits: { maxConcurrentLeaves: limit } });
        expect(run.byId('b').children!.map((child) => child.id)).toEqual(ids);
        expect(run.runner.maxRunning).toBeLessThanOrEqual(limit);
        expect(run.result.status).toBe('succeeded');
      }),
      { numRuns: 60 },
    );
  });

  it('nested parallel branches report in declaration order too', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 6, maxLength: 6 }), async (latencies) => {
        const workflow = spec({ goal: 'g', nodes: [branch('outer', [branch('x', [leaf('a'), leaf('b'), leaf('c')]), branch('y', [leaf('d'), leaf('e'), leaf('f')])])] });
        const fixture: MockFixture = { leaves: ['a', 'b', 'c', 'd', 'e', 'f'].map((id, index) => ({ match: { id }, latency_ms: latencies[index]! })), judge: [], expand: [], reduce: [] };
        const run = await runMock(workflow, { fixture });
        expect(Object.keys(statuses(run.result.results))).toEqual(['outer', 'x', 'a', 'b', 'c', 'y', 'd', 'e', 'f']);
      }),
      { numRuns: 30 },
    );
  });
});
