import { describe, expect, it } from 'vitest';
import type { RunOverlay } from '../../engine/index.js';
import { parseWorkflowSpec, type WorkflowSpec } from '../../ir/index.js';
import { changedNodes } from './changed-nodes.js';

function spec(nodes: unknown[]): WorkflowSpec {
  const parsed = parseWorkflowSpec({ id: 'w', goal: 'g', nodes });
  if (!parsed.ok) throw new Error(parsed.diagnostics[0]!.message);
  return parsed.spec;
}
const leaf = (id: string, extra: Record<string, unknown> = {}) => ({ kind: 'leaf', spec: { id, prompt: id, ...extra } });
const overlayFor = (roles: Record<string, string>): RunOverlay => {
  const blocks = [...new Set(Object.values(roles))];
  return { snapshotId: 's', lessons: [], blocks, leafBlocks: {}, roleBlocks: Object.fromEntries(Object.entries(roles).map(([role, text]) => [role, blocks.indexOf(text)])) };
};

describe('changedNodes', () => {
  const workflow = spec([
    leaf('look', { role: 'explore' }),
    leaf('fix', { role: 'implementer', mode: 'read_write' }),
    leaf('test', { command: 'npm test' }),
    leaf('review', { role: 'reviewer', depends_on_results: ['look'] }),
    { kind: 'reduce', spec: { id: 'sum', inputs: ['look'], prompt: 'sum' } },
    { kind: 'reduce', spec: { id: 'sum-fix', inputs: ['fix'], prompt: 'sum' } },
  ]);

  it('runs live what the overlay changes, its readers, and the leaves after a changed writer; serves the rest', () => {
    const live = changedNodes({ spec: workflow }, { spec: workflow, overlay: overlayFor({ implementer: 'named exports' }) });
    expect([...live].sort()).toEqual(['fix', 'review', 'sum-fix', 'test']);
  });

  it('a change to a read-only role stays local (and reaches only its readers)', () => {
    const live = changedNodes({ spec: workflow }, { spec: workflow, overlay: overlayFor({ explore: 'look harder' }) });
    expect([...live].sort()).toEqual(['look', 'review', 'sum']);
  });

  it('the same overlay on both sides changes nothing; an added node is live; a loop around a change re-runs whole', () => {
    const overlay = overlayFor({ implementer: 'x' });
    expect(changedNodes({ spec: workflow, overlay }, { spec: workflow, overlay }).size).toBe(0);
    const withTest = spec([...(JSON.parse(JSON.stringify(workflow.nodes)) as unknown[]), leaf('lesson-test', { command: 'npm test' })]);
    expect([...changedNodes({ spec: workflow }, { spec: withTest })]).toEqual(['lesson-test']);
    const looping = spec([{ kind: 'loop_until', spec: { id: 'loop', condition: 'done', max_iterations: 2, children: [leaf('draft', { role: 'implementer' }), leaf('check', { role: 'reviewer' })] } }, leaf('after', { role: 'explore' })]);
    expect([...changedNodes({ spec: looping }, { spec: looping, overlay: overlayFor({ implementer: 'x' }) })].sort()).toEqual(['check', 'draft', 'loop']);
  });
});
