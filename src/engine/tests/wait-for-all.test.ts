import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../../ir/index.js';
import { ResultRegistry } from '../run/result-registry.js';
import { branch, leaf, runMock, spec } from './harness.js';

const result = (id: string): NodeResult => ({ id, kind: 'leaf', status: 'succeeded', output: id }) as unknown as NodeResult;

describe('ResultRegistry.waitForAll', () => {
  it('is nothing to wait for when every node has settled, absent ones too', () => {
    const registry = new ResultRegistry();
    registry.settle('a', result('a'));
    registry.settleAbsent(['b']);
    expect(registry.waitForAll(['a', 'b', 'a'])).toBeUndefined();
  });

  it('resolves once the last of the nodes settles, in whatever order they do, a node named twice included', async () => {
    const registry = new ResultRegistry();
    registry.settle('a', result('a'));
    const waiting = registry.waitForAll(['a', 'b', 'c', 'b']);
    let resolved = false;
    void waiting!.then(() => (resolved = true));
    registry.settle('c', result('c'));
    await Promise.resolve();
    expect(resolved).toBe(false);
    registry.settleAbsent(['b']);
    await waiting;
    expect(resolved).toBe(true);
  });
});

describe('a fan-in waits for all its inputs at once', () => {
  it('reads them in the order named, whatever order they finish in, with the failures named', async () => {
    const leaves = [leaf('slow', { prompt: 'slow' }), leaf('broken'), leaf('quick', { prompt: 'quick' })];
    const fixture = {
      defaults: { latency_ms: 5 },
      leaves: [
        { match: { id: 'slow' }, output: 'S', latency_ms: 30 },
        { match: { id: 'broken' }, failure: { kind: 'terminal' as const, message: 'boom' } },
        { match: { id: 'quick' }, output: 'Q', latency_ms: 1 },
      ],
      judge: [],
      expand: [],
      reduce: [],
    };
    const workflow = spec({
      id: 'w',
      goal: 'g',
      nodes: [
        branch('fan', leaves),
        { kind: 'reduce', spec: { id: 'in', inputs: ['slow', 'broken', 'quick'], prompt: 'collect' } },
        { kind: 'reduce', spec: { id: 'ok', inputs: ['slow', 'quick'], prompt: 'collect' } },
      ],
    });
    const { byId, sink } = await runMock(workflow, { fixture });
    expect(byId('in').status).toBe('failed');
    expect(byId('in').error).toContain('inputs names "broken", which ended failed (boom)');
    const requests = sink.events.filter((event) => event.type === 'effect_requested' && (event.scope.nodeId === 'in' || event.scope.nodeId === 'ok'));
    expect(requests.map((event) => event.type === 'effect_requested' && event.scope.nodeId)).toEqual(['ok']);
    const prompt = JSON.stringify(requests[0]!.type === 'effect_requested' ? requests[0]!.input : null);
    expect(prompt.indexOf('### slow')).toBeGreaterThan(-1);
    expect(prompt.indexOf('### slow')).toBeLessThan(prompt.indexOf('### quick'));
  });
});
