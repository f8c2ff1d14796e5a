import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NodeResult, NodeSpec } from '../../ir/index.js';
import { resultsDigest } from '../recorded-result.js';
import { CancelScope } from '../run/cancel-scope.js';
import { PreparedResultJson, RESULT_JSON_BATCH } from '../run/prepared-result-json.js';
import { ResultRegistry } from '../run/result-registry.js';
import { branch as branchNode, digestText, leaf as leafNode, runMock, spec } from './harness.js';

const usage = { input_tokens: 3, output_tokens: 4, cost_microusd: null };
const memo = { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };

function leaf(id: string, output = `out ${id} é✓`): NodeResult {
  return { id, kind: 'leaf', status: 'succeeded', output, usage, memo_usage: memo, input_hash: 'ab'.repeat(32) };
}

const leafSpecs = (count: number): NodeSpec[] => Array.from({ length: count }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}` } }) as NodeSpec);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

afterEach(() => vi.restoreAllMocks());

describe('PreparedResultJson', () => {
  const results = Array.from({ length: 2 * RESULT_JSON_BATCH + 5 }, (_, index) => leaf(`leaf-${index}`));
  const batchOf = (start: number): NodeResult[] => results.slice(start, start + RESULT_JSON_BATCH);

  it('gives a batch back only for the very same results in the same places', () => {
    const prepared = new PreparedResultJson();
    const json = JSON.stringify(batchOf(0)).slice(1, -1);
    prepared.keep(batchOf(0), json);
    expect(prepared.jsonOf(results, 0, RESULT_JSON_BATCH)).toBe(json);
    expect(prepared.jsonOf(results, 0, RESULT_JSON_BATCH - 1)).toBeUndefined();
    expect(prepared.jsonOf(results, RESULT_JSON_BATCH, 2 * RESULT_JSON_BATCH)).toBeUndefined();
    const copy = [...results];
    copy[7] = { ...results[7]! };
    expect(prepared.jsonOf(copy, 0, RESULT_JSON_BATCH)).toBeUndefined();
  });

  it('the digest with prepared batches is the digest without them, a batch that no longer matches included', () => {
    const fan: NodeResult = { id: 'fan', kind: 'branch_set', status: 'succeeded', output: null, usage, memo_usage: memo, children: results };
    const prepared = new PreparedResultJson();
    prepared.keep(batchOf(0), JSON.stringify(batchOf(0)).slice(1, -1));
    const stale = batchOf(RESULT_JSON_BATCH).map((result) => ({ ...result, output: 'stale' }));
    prepared.keep(stale, JSON.stringify(stale).slice(1, -1));
    const jsonOf = vi.spyOn(prepared, 'jsonOf');
    expect(resultsDigest([fan, leaf('fan-in')], undefined, prepared)).toBe(resultsDigest([fan, leaf('fan-in')]));
    expect(jsonOf.mock.results.filter((result) => result.value !== undefined)).toHaveLength(1);
  });

  it('prepares settled batches in order in later turns, waits for unsettled ones, and stops when told', async () => {
    const children = leafSpecs(3 * RESULT_JSON_BATCH);
    const registry = new ResultRegistry();
    const prepared = new PreparedResultJson();
    const keep = vi.spyOn(prepared, 'keep');
    const preparer = prepared.preparerFor(children, registry, 10)!;
    const settle = (from: number, to: number): void => {
      for (let index = from; index < to; index += 1) {
        const id = `leaf-${index}`;
        registry.settle(id, leaf(id), 0, registry.started(id, new CancelScope(), 0));
      }
    };
    settle(0, RESULT_JSON_BATCH + 3);
    preparer.started(RESULT_JSON_BATCH + 9);
    await turn();
    expect(keep).not.toHaveBeenCalled(); // not a window past the first batch yet
    preparer.started(RESULT_JSON_BATCH + 10);
    expect(keep).not.toHaveBeenCalled(); // written in a turn of its own, not in the launch's
    await turn();
    expect(keep).toHaveBeenCalledTimes(1);
    preparer.started(3 * RESULT_JSON_BATCH);
    await turn();
    expect(keep).toHaveBeenCalledTimes(1); // the second batch has not settled
    settle(RESULT_JSON_BATCH + 3, 3 * RESULT_JSON_BATCH);
    preparer.stop();
    preparer.started(3 * RESULT_JSON_BATCH);
    await turn();
    expect(keep).toHaveBeenCalledTimes(1);
    const firstBatch = children.slice(0, RESULT_JSON_BATCH).map((child) => registry.peek(child.spec.id)!);
    expect(prepared.jsonOf(firstBatch, 0, RESULT_JSON_BATCH)).toBe(JSON.stringify(firstBatch).slice(1, -1));
  });

  it('prepares nothing for a short list or one with containers', () => {
    const prepared = new PreparedResultJson();
    const registry = new ResultRegistry();
    expect(prepared.preparerFor(leafSpecs(RESULT_JSON_BATCH - 1), registry, 10)).toBeUndefined();
    const mixed = [...leafSpecs(RESULT_JSON_BATCH), { kind: 'branch_set', spec: { id: 'b', parallel: true, children: [] } } as unknown as NodeSpec];
    expect(prepared.preparerFor(mixed, registry, 10)).toBeUndefined();
  });
});

describe('a run whose leaves wait for slots', () => {
  it('records the digest of its tree, batches prepared while it ran included', async () => {
    const jsonOf = vi.spyOn(PreparedResultJson.prototype, 'jsonOf');
    const count = 3 * RESULT_JSON_BATCH + 17;
    const workflow = spec({
      goal: 'g',
      nodes: [
        branchNode('fan', Array.from({ length: count }, (_, index) => leafNode(`f${index}`)), { budget: { max_parallel: 10 } }),
        { kind: 'reduce', spec: { id: 'fan-in', inputs: ['fan'], prompt: 'all' } },
      ],
    });
    const run = await runMock(workflow, { fixture: 'defaults: {latency_ms: 10}\nleaves:\n  - match: {id: f5}\n    output: "héllo ✓ 😀 {id}"' });
    expect(run.result.status).toBe('succeeded');
    expect(jsonOf.mock.results.some((result) => result.value !== undefined)).toBe(true);
    const finished = run.sink.ofType('run_finished')[0]!;
    expect(finished.result.results_sha256).toBe(resultsDigest(run.result.results));
    expect(finished.result.results_sha256).toBe(createHash('sha256').update(digestText(run.result.results)).digest('hex'));
  });
});
