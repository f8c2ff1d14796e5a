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

  it('shows a difference past a long common prefix where it is, instead of two identical truncated prefixes', () => {
    const prefix = 'The module boundary holds. '.repeat(12);
    const verdict = compareResults(tree({ a: `${prefix}Ship it.` }), tree({ a: `${prefix}Do not ship it.` }));
    expect(verdict).toMatchObject({ identical: false, divergedAt: 'fan/a' });
    const context = prefix.slice(-24); // a little of the common text, then where they part
    expect(verdict.detail).toBe(`output differs at character 325 (332 vs 339 characters): recorded "…${context}Ship it.", replayed "…${context}Do not ship it."`);
  });

  it('names the line of a multi-line output where the replay parts from the recording', () => {
    const lines = (last: string) => [...Array.from({ length: 40 }, (_, index) => `finding ${index}: fine`), last, 'end'].join('\n');
    const verdict = compareResults(tree({ a: lines('finding 40: fine') }), tree({ a: lines('finding 40: broken') }));
    expect(verdict.detail).toMatch(/^output differs at line 41, column 13 \(\d+ vs \d+ characters\): recorded "finding 40: fine", replayed "finding 40: broken"$/);
  });

  it('names the path inside a structured field, and every differing place up to three', () => {
    const recorded = tree({ a: 'x' });
    const leaf = recorded.results[0]!.children![0]!;
    const withDetails = (details: Record<string, unknown>): WorkflowResult => ({ ...recorded, results: [{ ...recorded.results[0]!, children: [{ ...leaf, details }] }] });
    expect(compareResults(withDetails({ isolation: 'worktree', data: { model: 'm' } }), withDetails({ data: { model: 'm' } })).detail).toBe(
      'details differs at details.isolation: recorded "worktree", replayed (absent)',
    );
    const many = compareResults(withDetails({ a: 1, b: 2, c: 3, d: 4 }), withDetails({ a: 5, b: 6, c: 7, d: 8 })).detail;
    expect(many).toBe('details differs at details.a: recorded 1, replayed 5; at details.b: recorded 2, replayed 6; at details.c: recorded 3, replayed 7; and 1 more');
  });
});
