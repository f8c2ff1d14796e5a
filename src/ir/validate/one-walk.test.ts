import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec, validateSpec, type WorkflowSpec } from '../index.js';
import { isPlainLeaf } from './plain-leaf.js';

function specOf(document: unknown): WorkflowSpec {
  const parsed = parseWorkflowSpec(document);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.spec;
}

const leaf = (spec: Record<string, unknown>) => ({ kind: 'leaf', spec: { prompt: 'p', ...spec } });

describe('validateSpec: all rules in one walk', () => {
  it('lists diagnostics rule by rule, as when each rule walked alone (no source: no positions to sort by)', () => {
    const spec = specOf({
      goal: 'g',
      nodes: [
        leaf({ id: 'a', depends_on_results: ['ghost'] }), // references rule
        leaf({ id: 'b', prompt: ' ' }), // texts rule
        leaf({ id: 'a' }), // ids rule
        { kind: 'branch_set', spec: { id: 'par', parallel: true, children: [leaf({ id: 'w', mode: 'read_write' })] } }, // parallel writers
      ],
    });
    expect(validateSpec(spec).map((diagnostic) => diagnostic.code)).toEqual(['duplicate-id', 'blank-prompt', 'unknown-reference', 'unscoped-parallel-writer']);
  });

  it('a plain leaf is one that declares nothing but its id and prompt', () => {
    const plain = specOf({ goal: 'g', nodes: [leaf({ id: 'a' })] }).nodes[0]!;
    expect(isPlainLeaf(plain)).toBe(true);
    const declaring = [
      { permissions: {} },
      { mode: 'read_write' },
      { file_scope: ['src/**'] },
      { depends_on_results: ['a'] },
      { memory: { contexts: ['m'] } },
      { command: 'npm test' },
    ];
    for (const extra of declaring) {
      const node = specOf({ goal: 'g', nodes: [leaf({ id: 'a' }), leaf({ id: 'b', ...extra })] }).nodes[1]!;
      expect(isPlainLeaf(node), JSON.stringify(extra)).toBe(false);
    }
    expect(isPlainLeaf(specOf({ goal: 'g', nodes: [{ kind: 'reduce', spec: { id: 'r', inputs: [], prompt: 'p' } }] }).nodes[0]!)).toBe(false);
  });

  it('still judges a leaf that is not plain among thousands that are', () => {
    const children = Array.from({ length: 2_000 }, (_, index) => leaf({ id: `leaf-${index}` }));
    children[1_500] = leaf({ id: 'leaf-1500', mode: 'read_write' });
    const spec = specOf({ goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children } }] });
    expect(validateSpec(spec, { maxAgents: 3_000 }).map((diagnostic) => diagnostic.message)).toEqual([
      'node "leaf-1500": read_write leaf in parallel branch "fan" needs a non-empty file_scope or isolation "worktree"',
    ]);
  });
});
