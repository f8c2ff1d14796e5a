import { describe, expect, it } from 'vitest';
import type { LeafSpec } from '../../ir/index.js';
import { LeafJsonTemplate } from '../run/leaf-json-template.js';
import { specText } from '../run/spec-text.js';
import { leafInputHash } from '../../ir/index.js';
import { branch, leaf, runMock, spec } from './harness.js';

const parsedLeaves = (nodes: unknown[]): LeafSpec[] =>
  (spec({ id: 'w', goal: 'g', nodes: [branch('fan', nodes)] }).nodes[0]!.spec as { children: { spec: LeafSpec }[] }).children.map((node) => node.spec);

/** The same fields, prompt first (Object.assign keeps the place of a key the target has). */
const promptFirst = (leafSpec: LeafSpec): LeafSpec => Object.assign({ prompt: leafSpec.prompt }, leafSpec);

describe('LeafJsonTemplate', () => {
  const [first, second, withBudget, withCommand] = parsedLeaves([
    leaf('a'),
    leaf('b', { prompt: 'quotes " and \\ and \u0001 and «é» ✓ \ud83d\ude00' }),
    leaf('c', { budget: { max_tokens: 5 } }),
    leaf('d', { command: 'npm test' }),
  ]);
  const template = LeafJsonTemplate.of(first!)!;

  it('writes a leaf like it exactly as JSON.stringify does, whatever its id and prompt hold', () => {
    expect(template.json).toBe(JSON.stringify(first));
    expect(template.jsonOf(second!)).toBe(JSON.stringify(second));
    expect(template.jsonOf({ ...first!, id: '\u2028', prompt: '' })).toBe(JSON.stringify({ ...first!, id: '\u2028', prompt: '' }));
  });

  it('declines a leaf with another value, field or order', () => {
    const others: unknown[] = [
      withBudget,
      withCommand,
      { ...first!, budget: { ...first!.budget } }, // equal, but not the same object
      { ...first!, extra: 1 },
      { ...first!, mode: undefined }, // JSON.stringify leaves it out; the template does not guess
      promptFirst(first!), // the same keys, but prompt first
      Object.fromEntries(Object.entries(first!).filter(([key]) => key !== 'isolation')),
      Object.fromEntries(Object.entries(first!).slice(0, -1)), // its last field left out
      { ...first!, id: 7 },
      Object.assign(Object.create({ inherited: true }) as object, first),
    ];
    for (const other of others) expect(template.jsonOf(other as LeafSpec)).toBeUndefined();
  });

  it('is not made from a leaf whose JSON depends on more than its fields', () => {
    expect(LeafJsonTemplate.of({ ...first!, toJSON: () => 'x' } as unknown as LeafSpec)).toBeUndefined();
    expect(LeafJsonTemplate.of({ ...first!, budget: { toJSON: () => 1 } } as unknown as LeafSpec)).toBeUndefined();
    expect(LeafJsonTemplate.of(promptFirst(first!))).toBeUndefined();
  });
});

describe('specText with leaves that do and do not share a template', () => {
  it('writes every leaf exactly, and hands each its exact JSON', () => {
    const nodes = Array.from({ length: 700 }, (_, index) =>
      index % 97 === 5 ? leaf(`x${index}`, { budget: { max_steps: index } }) : index % 211 === 0 ? leaf(`y${index}`, { agent_type: 'explore' }) : leaf(`l${index}`, { prompt: `p "${index}"` }),
    );
    // Leaves that each hold their own (equal) objects: no two share a template.
    const distinct = Array.from({ length: 300 }, (_, index) => leaf(`d${index}`, { budget: { max_steps: 3 }, file_scope: ['src'] }));
    for (const children of [nodes, distinct]) {
      const workflow = spec({ id: 'w', goal: 'g', nodes: [branch('fan', children), leaf('after')] });
      const heard: [LeafSpec, string][] = [];
      const { text } = specText(workflow, (leafSpec, json) => heard.push([leafSpec, json]));
      expect(text).toBe(JSON.stringify(workflow));
      expect(heard).toHaveLength(children.length + 1);
      for (const [leafSpec, json] of heard) expect(json).toBe(JSON.stringify(leafSpec));
    }
  });
});

describe('a leaf that hashes its own input (before run_started is written)', () => {
  it('is keyed by its input hash whether its JSON came from a template or not', async () => {
    // One window of leaves answering at once: they start before run_started's text is written.
    const shapes = [(id: string) => leaf(id), (id: string) => leaf(id, { budget: { max_steps: 2 } }), (id: string) => leaf(id, { agent_type: 'explore' })];
    const children = Array.from({ length: 240 }, (_, index) => shapes[index % 7 < 4 ? 0 : index % 3]!(`l${index}`));
    const workflow = spec({ id: 'w', goal: 'g', nodes: [branch('fan', children, { budget: { max_parallel: 240 } })] });
    const run = await runMock(workflow, { validated: true, limits: { maxConcurrentLeaves: 240 } });
    expect(run.result.status).toBe('succeeded');
    const leaves = new Map((workflow.nodes[0]!.spec as { children: { spec: LeafSpec }[] }).children.map((child) => [child.spec.id, child.spec]));
    const keys = run.sink.ofType('effect_requested').map((event) => [event.key, leafInputHash(workflow, leaves.get(event.scope.nodeId!)!, {})]);
    expect(keys).toHaveLength(240);
    for (const [key, expected] of keys) expect(key).toBe(expected);
  });
});
