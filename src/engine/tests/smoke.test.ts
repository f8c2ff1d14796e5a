import { describe, expect, it } from 'vitest';
import { branch, leaf, runMock, spec } from './harness.js';

describe('smoke', () => {
  it('runs a parallel branch and a reduce', async () => {
    const workflow = spec({ id: 'wf', goal: 'g', nodes: [branch('b', [leaf('a'), leaf('c')]), { kind: 'reduce', spec: { id: 'r', inputs: ['a', 'c'], prompt: 'sum' } }] });
    const run = await runMock(workflow);
    expect(run.result.status).toBe('succeeded');
    expect(run.result.results.map((result) => result.id)).toEqual(['b', 'r']);
    expect(run.sink.events[0]!.type).toBe('run_started');
    expect(run.sink.events.at(-1)!.type).toBe('run_finished');
  });
});
