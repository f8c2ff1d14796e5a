import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../../ir/index.js';
import { resultsDigest } from '../recorded-result.js';
import { ResultJsonTexts } from '../result-json-texts.js';
import { branch as branchNode, digestText as referenceText, leaf as leafNode, runMock, spec } from './harness.js';

const usage = { input_tokens: 3, output_tokens: 4, cost_microusd: null };
const memo = { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };

function leaf(id: string, output: string): NodeResult {
  return { id, kind: 'leaf', status: 'succeeded', output, usage, memo_usage: memo, input_hash: 'ab'.repeat(32) };
}

function branch(id: string, children: NodeResult[]): NodeResult {
  return { id, kind: 'branch_set', status: 'succeeded', output: null, usage, memo_usage: memo, children };
}

describe('ResultJsonTexts', () => {
  const many = Array.from({ length: 1_000 }, (_, index) => leaf(`leaf-${index}`, `out ${index} ${'é✓'.repeat(index % 7)}`));

  it('keeps, for each list of childless results only, pieces that joined by commas are its JSON; the digest is unchanged', () => {
    const fan = branch('fan', many);
    const inner = branch('inner', many.slice(0, 300));
    const mixed = [leaf('b1', ''), inner, leaf('b2', 'y')];
    const tree = [fan, branch('b', mixed), leaf('fan-in', 'all'), branch('empty', [])];
    const kept = new ResultJsonTexts(1 << 24);
    expect(resultsDigest(tree, kept)).toBe(resultsDigest(tree));
    expect(kept.of(fan.children!)!.join(',')).toBe(JSON.stringify(many).slice(1, -1));
    expect(kept.of(fan.children!)!.length).toBeGreaterThan(1);
    expect(kept.of(inner.children!)!.join(',')).toBe(JSON.stringify(many.slice(0, 300)).slice(1, -1));
    for (const list of [tree, mixed, branch('empty', []).children!]) expect(kept.of(list)).toBeUndefined();
  });

  it('past its limit keeps nothing at all, and the digest is still the same', () => {
    const tree = [branch('small', many.slice(0, 10)), branch('fan', many)];
    const kept = new ResultJsonTexts(JSON.stringify(many.slice(0, 10)).length + 10);
    expect(resultsDigest(tree, kept)).toBe(resultsDigest(tree));
    expect(kept.of(tree[0]!.children!)).toBeUndefined();
    expect(kept.of(tree[1]!.children!)).toBeUndefined();
  });
});

describe('resultsDigest', () => {
  it('hashes exactly the documented text, whatever the mix of leaves, containers and batch boundaries', () => {
    const many = Array.from({ length: 1_000 }, (_, index) => leaf(`leaf-${index}`, `out ${index} ${'é✓'.repeat(index % 7)}`));
    const trees: NodeResult[][] = [
      [],
      [leaf('a', 'x')],
      [branch('empty', [])],
      [branch('fan', many), leaf('fan-in', 'all')],
      [leaf('first', '1'), branch('b', [leaf('b1', ''), branch('inner', many.slice(0, 300)), leaf('b2', 'y'.repeat(70_000))]), ...many.slice(300, 700)],
    ];
    for (const tree of trees) {
      expect(resultsDigest(tree)).toBe(createHash('sha256').update(referenceText(tree)).digest('hex'));
    }
  });

  it('a run records the digest of its whole tree: failed, cancelled, nested containers, a loop, unicode outputs', async () => {
    const controller = new AbortController();
    const workflow = spec({
      goal: 'g',
      nodes: [
        branchNode('fan', [...Array.from({ length: 300 }, (_, index) => leafNode(`f${index}`)), branchNode('inner', [leafNode('bad'), branchNode('deeper', [leafNode('u')])])]),
        { kind: 'loop_until', spec: { id: 'loop', max_iterations: 3, children: [leafNode('fix'), leafNode('test', { command: 'npm test' })], until: { tests_pass: ['test'] } } },
        branchNode('slow', [leafNode('s1'), leafNode('s2')]),
        leafNode('after'),
      ],
    });
    const fixture = [
      'leaves:',
      '  - match: {id: bad}',
      '    failure: {kind: terminal, message: "boom ✗"}',
      '  - match: {id: u}',
      '    output: "héllo ✓ 😀 \u2028 {id}"',
      '  - match: {id: test}',
      '    exit_codes: [1, 0]',
      '  - match: {id: s1}',
      '    latency_ms: 5000',
      '  - match: {id: s2}',
      '    latency_ms: 5000',
      'defaults: {latency_ms: 10}',
    ].join('\n');
    const run = await runMock(workflow, { fixture, signal: controller.signal, during: (environment) => void environment.sleep(1000).then(() => controller.abort()) });
    expect(run.byId('bad').status).toBe('failed');
    expect(run.byId('u').output).toContain('😀');
    expect(run.byId('loop').status).toBe('succeeded');
    expect(run.byId('s1').status).toBe('cancelled');
    const finished = run.sink.ofType('run_finished')[0]!;
    expect(finished.result.results_sha256).toBe(createHash('sha256').update(referenceText(run.result.results)).digest('hex'));
  });
});
