import { describe, expect, it } from 'vitest';
import { addMemoUsage, addUsage, emptyMemoUsage, type MemoUsage, type NodeResult, type NodeSpec, type RunStatus, type Usage } from '../../ir/index.js';
import { containerResult, sumUsage } from '../nodes/node-result.js';

const branch = { kind: 'branch_set', spec: { id: 'fan' } } as unknown as NodeSpec;
const sharedEmpty = Object.freeze(emptyMemoUsage());

function child(id: string, status: RunStatus, usage: Usage, memo: MemoUsage, error?: string): NodeResult {
  return { id, kind: 'leaf', status, output: null, usage, memo_usage: memo, ...(error !== undefined ? { error } : {}) };
}

describe('containerResult and sumUsage', () => {
  const hits: MemoUsage = { ...emptyMemoUsage(), armh_hits: 2, armh_saved_estimated_tokens: 40, armh_saved_cost_microusd: 7 };
  const misses: MemoUsage = { ...emptyMemoUsage(), armh_misses: 1, provider_prompt_cache_hits: 3 };
  const children = [
    child('a', 'succeeded', { input_tokens: 1, output_tokens: 2, cost_microusd: 3 }, sharedEmpty),
    child('b', 'succeeded', { input_tokens: 4, output_tokens: 5, cost_microusd: 6 }, sharedEmpty),
    child('c', 'failed', { input_tokens: 7, output_tokens: 8, cost_microusd: 9 }, hits, 'boom'),
    child('d', 'succeeded', { input_tokens: 1, output_tokens: 1, cost_microusd: 1 }, sharedEmpty),
    child('e', 'succeeded', { input_tokens: 1, output_tokens: 1, cost_microusd: 1 }, emptyMemoUsage()),
    child('f', 'cancelled', { input_tokens: 2, output_tokens: 0, cost_microusd: null }, misses, 'cancelled by the user'),
    child('g', 'succeeded', { input_tokens: 0, output_tokens: 3, cost_microusd: 4 }, hits),
  ];

  it('sums usage and non-empty memo usage child by child, whatever records the children share', () => {
    const usage = children.reduce((sum, one) => addUsage(sum, one.usage), { input_tokens: 0, output_tokens: 0, cost_microusd: 0 } as Usage);
    const memo = [hits, misses, hits].reduce(addMemoUsage, emptyMemoUsage());
    expect(sumUsage(children)).toEqual({ usage, memoUsage: memo });
    expect(usage.cost_microusd).toBeNull();
    const result = containerResult(branch, children);
    expect(result.usage).toEqual(usage);
    expect(result.memo_usage).toEqual(memo);
    expect(result.status).toBe('cancelled');
    expect(result.error).toBe('boom');
    expect(result.children).toBe(children);
  });

  it("adds the container's own status and usage, and an all-empty list sums to nothing", () => {
    const own = { input_tokens: 10, output_tokens: 0, cost_microusd: 0 };
    const fine = children.filter((one) => one.status === 'succeeded' && one.memo_usage !== hits);
    const result = containerResult(branch, fine, { status: 'failed', usage: own, error: 'own' });
    expect(result.status).toBe('failed');
    expect(result.error).toBe('own');
    expect(result.usage).toEqual({ input_tokens: 17, output_tokens: 9, cost_microusd: 11 });
    expect(result.memo_usage).toEqual(emptyMemoUsage());
    expect(containerResult(branch, fine).status).toBe('succeeded');
  });
});
