import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SpecTextWriter, specText } from '../run/spec-text.js';
import { branch, leaf, sequence, spec } from './harness.js';

const manyLeaves = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => leaf(`${prefix}${index}`, { prompt: `${prefix} ${index} «é» ✓ "quoted" \\ \u0001` }));

const specs = {
  empty: spec({ goal: 'nothing', nodes: [] }),
  'one leaf': spec({ id: 'w', goal: 'g', nodes: [leaf('only')] }),
  'a wide fan-out and its fan-in': spec({
    id: 'fan',
    goal: 'fan out, fan in',
    nodes: [branch('fanout', manyLeaves('leaf-', 1_000), { budget: { max_parallel: 16 } }), { kind: 'reduce', spec: { id: 'fanin', inputs: ['leaf-0', 'leaf-999'], prompt: 'collect' } }],
  }),
  'every container, nested, with plain nodes around them': spec({
    id: 'mixed',
    goal: 'mixed',
    budget: { max_tokens: 1000 },
    nodes: [
      leaf('first'),
      branch('outer', [
        ...manyLeaves('a', 130),
        sequence('seq', [leaf('s1'), branch('empty-branch', []), leaf('s2')]),
        ...manyLeaves('b', 3),
        { kind: 'loop_until', spec: { id: 'loop', max_iterations: 2, condition: 'done?', children: [leaf('fix'), leaf('check', { command: 'npm test' })] } },
        { kind: 'cond', spec: { id: 'c', condition: 'should we?', then_nodes: manyLeaves('then', 200), else_nodes: [leaf('no')] } },
        { kind: 'expand', spec: { id: 'e', source: 'split', max_children: 3, template: leaf('item') } },
      ]),
      ...manyLeaves('tail', 257),
    ],
  }),
};

describe('specText', () => {
  for (const [name, workflow] of Object.entries(specs)) {
    it(`is exactly JSON.stringify(spec) and its SHA-256: ${name}`, () => {
      const expected = JSON.stringify(workflow);
      const { text, sha256 } = specText(workflow);
      expect(text).toBe(expected);
      expect(sha256).toBe(createHash('sha256').update(expected).digest('hex'));
    });
  }
});

describe('specText hands each leaf its JSON', () => {
  it('hears every leaf of the spec, in the order written, with exactly JSON.stringify(leaf)', () => {
    const workflow = specs['every container, nested, with plain nodes around them'];
    const heard: [string, string][] = [];
    const { text } = specText(workflow, (leafSpec, json) => heard.push([leafSpec.id, json]));
    expect(text).toBe(JSON.stringify(workflow));
    const leaves = [...text.matchAll(/\{"kind":"leaf","spec":\{"id":("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1]!) as string);
    // The expand's template stays inside its JSON: it is not a leaf of the run.
    expect(heard.map(([id]) => id)).toEqual(leaves.filter((id) => id !== 'item'));
    for (const [id, json] of heard) expect(JSON.parse(json)).toMatchObject({ id });
    for (const [, json] of heard) expect(text).toContain(`{"kind":"leaf","spec":${json}}`);
  });

  it('writes a leaf node with keys of its own as JSON.stringify does, and does not hand it out', () => {
    const workflow = spec({ id: 'w', goal: 'g', nodes: [leaf('a'), leaf('b')] });
    const odd = { ...workflow, nodes: [{ note: 'x', ...workflow.nodes[0]! }, { ...workflow.nodes[1]!, extra: 1 }, { spec: workflow.nodes[0]!.spec, kind: 'leaf' }] } as unknown as typeof workflow;
    const heard: string[] = [];
    const { text, sha256 } = specText(odd, (leafSpec) => heard.push(leafSpec.id));
    expect(text).toBe(JSON.stringify(odd));
    expect(sha256).toBe(createHash('sha256').update(JSON.stringify(odd)).digest('hex'));
    expect(heard).toEqual([]);
  });

  it('cuts each leaf out of its batch exactly, even when a leaf holds the text of a seam between leaf nodes', () => {
    const seam = '}},{"kind":"leaf","spec":';
    const nodes = manyLeaves('p', 300).map((node, index) => (index === 7 ? leaf(`p${index}`, { prompt: `a seam in a prompt: ${seam}` }) : node));
    const plain = spec({ id: 'w', goal: 'g', nodes: [branch('b', nodes)] });
    // A field no schema has, holding leaf nodes: the seam's text occurs unescaped inside that leaf's JSON.
    const children = (plain.nodes[0]!.spec as { children: { kind: string; spec: object }[] }).children;
    const nested = [{ kind: 'leaf', spec: { id: 'x' } }, { kind: 'leaf', spec: { id: 'y' } }];
    const odd = { ...plain, nodes: [{ ...plain.nodes[0]!, spec: { ...plain.nodes[0]!.spec, children: children.map((node, index) => (index === 150 ? { ...node, spec: { ...node.spec, extra: nested } } : node)) } }] } as typeof plain;
    for (const workflow of [plain, odd]) {
      const written = (workflow.nodes[0]!.spec as { children: { spec: { id: string } }[] }).children;
      expect(written.some((node) => JSON.stringify(node.spec).includes(seam))).toBe(workflow === odd);
      const heard: [string, string][] = [];
      const { text } = specText(workflow, (leafSpec, json) => heard.push([leafSpec.id, json]));
      expect(text).toBe(JSON.stringify(workflow));
      expect(heard.map(([id]) => id)).toEqual(written.map((node) => node.spec.id));
      written.forEach((node, index) => expect(heard[index]![1]).toBe(JSON.stringify(node.spec)));
    }
  });
});

describe('SpecTextWriter', () => {
  it('writes the same text, hash and leaves a batch of nodes per step', () => {
    for (const workflow of Object.values(specs)) {
      const heard: string[] = [];
      const writer = new SpecTextWriter(workflow, (leafSpec) => heard.push(leafSpec.id));
      let steps = 1;
      while (!writer.step()) steps += 1;
      const whole: string[] = [];
      expect(writer.finish()).toEqual(specText(workflow, (leafSpec) => whole.push(leafSpec.id)));
      expect(heard).toEqual(whole);
      // The 1,000-leaf fan-out takes a step per 128 leaves; a spec of one leaf, one or two.
      if (workflow === specs['a wide fan-out and its fan-in']) expect(steps).toBeGreaterThanOrEqual(8);
    }
  });

  it('does not pass a text cut short by an error for a whole one', () => {
    const workflow = specs['a wide fan-out and its fan-in'];
    let calls = 0;
    const writer = new SpecTextWriter(workflow, () => {
      calls += 1;
      if (calls === 200) throw new Error('listener failed');
    });
    expect(() => writer.finish()).toThrow('listener failed');
    expect(() => writer.step()).toThrow('listener failed');
    expect(() => writer.finish()).toThrow('listener failed');
  });
});
