import { describe, expect, it } from 'vitest';
import { emptyMemoUsage, emptyUsage, type NodeResult, type WorkflowResult } from '../ir/index.js';
import { compareResults } from './compare-results.js';

const leafResult = (id: string, output: string): NodeResult => ({ id, kind: 'leaf', status: 'succeeded', output, usage: emptyUsage(), memo_usage: emptyMemoUsage(), input_hash: `h-${id}` });

function tree(outputs: Record<string, string>, runId = 'r1'): WorkflowResult {
  return {
    run_id: runId,
    workflow_id: 'w',
    spec_hash: 's',
    status: 'succeeded',
    results: [{ id: 'fan', kind: 'branch_set', status: 'succeeded', output: null, usage: emptyUsage(), memo_usage: emptyMemoUsage(), children: Object.entries(outputs).map(([id, output]) => leafResult(id, output)) }],
    usage: emptyUsage(),
    memo_usage: emptyMemoUsage(),
  };
}

describe('compareResults', () => {
  it('ignores the run id and key order', () => {
    const recorded = tree({ a: 'x', b: 'y' });
    const reordered = JSON.parse(JSON.stringify(tree({ a: 'x', b: 'y' }, 'r2')), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as WorkflowResult;
    expect(compareResults(recorded, reordered)).toEqual({ identical: true });
  });

  it('names the first differing node by its path and says what differs', () => {
    expect(compareResults(tree({ a: 'x', b: 'y' }), tree({ a: 'x', b: 'z' }))).toEqual({
      identical: false,
      divergedAt: 'fan/b',
      detail: 'output differs: recorded "y", replayed "z"',
    });
  });

  it('reports missing and extra nodes', () => {
    expect(compareResults(tree({ a: 'x', b: 'y' }), tree({ a: 'x' }))).toMatchObject({ divergedAt: 'fan/b', detail: 'the replay lacks node "b"' });
    expect(compareResults(tree({ a: 'x' }), tree({ a: 'x', c: 'y' }))).toMatchObject({ divergedAt: 'fan/c', detail: 'the replay has an extra node "c"' });
  });

  it('reports run-level differences after the nodes', () => {
    const recorded = tree({ a: 'x' });
    expect(compareResults(recorded, { ...recorded, status: 'failed' })).toMatchObject({ divergedAt: 'run', detail: 'status differs: recorded "succeeded", replayed "failed"' });
  });
});
