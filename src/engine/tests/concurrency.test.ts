import { describe, expect, it } from 'vitest';
import type { MockFixture } from '../../leaves/mock/index.js';
import { branch, leaf, runMock, spec } from './harness.js';

const many = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => leaf(`${prefix}${index}`));

describe('concurrency bounds', () => {
  it('never runs more leaves than the global limit', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', [branch('x', many('x', 20)), branch('y', many('y', 20))])] }), { fixture: 'defaults: {latency_ms: 10}', limits: { maxConcurrentLeaves: 5 } });
    expect(run.runner.maxRunning).toBe(5);
    expect(run.runner.started).toHaveLength(40);
  });

  it('defaults to 16 leaves at once', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', many('n', 40))] }), { fixture: 'defaults: {latency_ms: 10}' });
    expect(run.runner.maxRunning).toBe(16);
  });

  it('honours a branch max_parallel below the global limit, FIFO', async () => {
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', many('n', 12), { budget: { max_parallel: 3 } })] }), { fixture: 'defaults: {latency_ms: 10}' });
    expect(run.runner.maxRunning).toBe(3);
    expect(run.runner.started).toEqual(Array.from({ length: 12 }, (_, index) => `n${index}`));
  });

  it('honours a per-provider limit', async () => {
    const children = [...many('a', 6).map((node) => ({ ...node, spec: { ...node.spec, model_policy: { provider: 'slowvendor' } } })), ...many('b', 6)];
    const run = await runMock(spec({ goal: 'g', nodes: [branch('b', children)] }), { fixture: 'defaults: {latency_ms: 10}', limits: { perProvider: { slowvendor: 2 } } });
    expect(run.runner.maxRunning).toBe(8);
    expect(run.result.status).toBe('succeeded');
  });
});

describe('dataflow in parallel branches', () => {
  it('a consumer waits for its producer without serializing the other siblings', async () => {
    const fixture: MockFixture = {
      leaves: [
        { match: { id: 'producer' }, latency_ms: 100, output: 'P' },
        { match: { id: 'other' }, latency_ms: 10 },
      ],
      judge: [],
      expand: [],
      reduce: [],
    };
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('consumer', { depends_on_results: ['producer'] }), leaf('producer'), leaf('other')])] });
    const run = await runMock(workflow, { fixture });
    expect(run.runner.started).toEqual(['producer', 'other', 'consumer']);
    const effect = run.sink.ofType('effect_requested').find((event) => event.scope.nodeId === 'consumer')!;
    expect(effect.input).toMatchObject({ resolved_inputs: { producer: 'P' } });
    expect(run.byId('b').children!.map((child) => child.id)).toEqual(['consumer', 'producer', 'other']);
  });

  it('a waiting consumer does not hold a max_parallel slot its producer needs', async () => {
    const workflow = spec({ goal: 'g', nodes: [branch('b', [leaf('consumer', { depends_on_results: ['producer'] }), leaf('producer')], { budget: { max_parallel: 1 } })] });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}' });
    expect(run.result.status).toBe('succeeded');
    expect(run.runner.started).toEqual(['producer', 'consumer']);
  });

  it('a consumer outside a loop reads the loop body producer after the last iteration', async () => {
    const workflow = spec({
      goal: 'g',
      nodes: [
        branch('b', [
          { kind: 'loop_until', spec: { id: 'loop', condition: 'done?', max_iterations: 3, children: [leaf('work')] } },
          leaf('reader', { depends_on_results: ['work'] }),
        ]),
      ],
    });
    const run = await runMock(workflow, { fixture: 'judge:\n  - match: {node: loop}\n    answers: [false, false, true]\n' });
    expect(run.runner.started).toEqual(['work', 'work', 'work', 'reader']);
    expect(run.result.status).toBe('succeeded');
  });
});
