import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../../ir/index.js';
import { resultsDigest } from '../recorded-result.js';

/** The digest's definition, spelled out: each node's JSON without its children, then its children in brackets, each node followed by a comma. */
function referenceText(nodes: readonly NodeResult[]): string {
  let text = '[';
  for (const node of nodes) {
    if (node.children === undefined) {
      text += JSON.stringify(node);
    } else {
      const { children, ...own } = node;
      text += JSON.stringify(own) + referenceText(children);
    }
    text += ',';
  }
  return `${text}]`;
}

const usage = { input_tokens: 3, output_tokens: 4, cost_microusd: null };
const memo = { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };

function leaf(id: string, output: string): NodeResult {
  return { id, kind: 'leaf', status: 'succeeded', output, usage, memo_usage: memo, input_hash: 'ab'.repeat(32) };
}

function branch(id: string, children: NodeResult[]): NodeResult {
  return { id, kind: 'branch_set', status: 'succeeded', output: null, usage, memo_usage: memo, children };
}

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
});
