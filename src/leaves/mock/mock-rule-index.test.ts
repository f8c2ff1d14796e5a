import { describe, expect, it } from 'vitest';
import { VirtualEnvironment, type LeafRunContext, type LeafRunInput } from '../../engine/index.js';
import type { MockLeafRule } from './mock-fixture-schema.js';
import { MockLeafRunner } from './mock-leaf-runner.js';
import { MockOutputTemplate } from './mock-output-template.js';
import { MockRuleIndex } from './mock-rule-index.js';

const rule = (match: MockLeafRule['match'], output: string): MockLeafRule => ({ match, output });

describe('MockRuleIndex', () => {
  it('answers with the first matching rule in declaration order, mixing id and prompt rules', () => {
    const index = new MockRuleIndex([rule({ prompt: '^fix' }, 'by prompt'), rule({ id: 'a' }, 'by id'), rule({ id: 'b', prompt: 'never' }, 'b narrowed'), rule({ id: 'b' }, 'b plain')]);
    expect(index.find('a', 'fix it')?.rule.output).toBe('by prompt');
    expect(index.find('a', 'look')?.rule.output).toBe('by id');
    expect(index.find('b', 'look')?.rule.output).toBe('b plain');
    expect(index.find('c', 'look')).toBeUndefined();
  });

  it('prefers an earlier id rule over a later prompt rule', () => {
    const index = new MockRuleIndex([rule({ id: 'a' }, 'first'), rule({ prompt: '.' }, 'second')]);
    expect(index.find('a', 'x')?.rule.output).toBe('first');
    expect(index.find('z', 'x')?.rule.output).toBe('second');
  });

  it('keeps every rule of an id that several rules name, in declaration order', () => {
    const index = new MockRuleIndex([rule({ id: 'a', prompt: '^x' }, 'a x'), rule({ id: 'a', prompt: '^y' }, 'a y'), rule({ prompt: '^z' }, 'any z'), rule({ id: 'a' }, 'a plain')]);
    expect(index.find('a', 'x')?.rule.output).toBe('a x');
    expect(index.find('a', 'y')?.rule.output).toBe('a y');
    expect(index.find('a', 'z')?.rule.output).toBe('any z');
    expect(index.find('a', 'w')?.rule.output).toBe('a plain');
    expect(index.find('a', 'w')).toEqual(index.find('a', 'v')); // a plain rule: nothing to keep, made again
    expect(index.find('a', 'x')).toBe(index.find('a', 'x')); // a regex: compiled once, then kept
  });

  it('keeps a templated rule compiled once', () => {
    const index = new MockRuleIndex([rule({ id: 'a' }, 'out {id}')]);
    expect(index.find('a', 'x')).toBe(index.find('a', 'y'));
    expect(index.find('a', 'x')?.output?.render({ id: 'a', prompt: 'x' })).toBe('out a');
  });

  it('still refuses a bad prompt regex when it is made, not when a leaf asks', () => {
    expect(() => new MockRuleIndex([rule({ id: 'a' }, 'fine'), rule({ id: 'b', prompt: '(' }, 'bad')])).toThrow(SyntaxError);
  });

  it('answers the same whether leaves ask in the rules\' order or not', () => {
    const rules = [rule({ id: 'a' }, 'A'), rule({ id: 'b', prompt: '^yes' }, 'B'), rule({ id: 'c' }, 'C'), rule({ id: 'd' }, 'D')];
    const asked: [string, string][] = [['a', ''], ['b', 'yes'], ['c', ''], ['d', ''], ['c', ''], ['b', 'no'], ['c', ''], ['e', ''], ['a', ''], ['d', ''], ['b', 'yes']];
    const index = new MockRuleIndex(rules);
    const outputs = asked.map(([id, prompt]) => index.find(id, prompt)?.rule.output);
    expect(outputs).toEqual(['A', 'B', 'C', 'D', 'C', undefined, 'C', undefined, 'A', 'D', 'B']);
  });

  it('finds each of 10,000 per-leaf rules', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => rule({ id: `leaf-${i}` }, `out ${i}`));
    const index = new MockRuleIndex(rules);
    for (const i of [0, 1, 5_000, 9_999]) expect(index.find(`leaf-${i}`, '')?.rule.output).toBe(`out ${i}`);
  });
});

describe('MockOutputTemplate', () => {
  const leaf = { id: 'leaf-0042', prompt: 'do it' };

  it('fills {id}, {index} and {prompt}, and keeps other braces as text', () => {
    expect(MockOutputTemplate.compile('{id}/{index}: {prompt} {"json": true} {other}').render(leaf)).toBe('leaf-0042/42: do it {"json": true} {other}');
  });

  it('writes a doubled placeholder literally', () => {
    const template = MockOutputTemplate.compile('{{id}} is {id}');
    expect(template.render(leaf)).toBe('{id} is leaf-0042');
    expect(MockOutputTemplate.compile('{{id}}').templated).toBe(false);
  });

  it('returns plain text unchanged', () => {
    expect(MockOutputTemplate.compile('plain').render(leaf)).toBe('plain');
  });

  it('throws a typed error when {index} has no number to take', () => {
    expect(() => MockOutputTemplate.compile('{index}').render({ id: 'tests', prompt: '' })).toThrow(/leaf id "tests" does not end with a number/);
  });
});

describe('MockLeafRunner with a templated rule', () => {
  const environment = new VirtualEnvironment();
  const context: LeafRunContext = { signal: new AbortController().signal, activity: () => {}, spend: () => {} } as unknown as LeafRunContext;
  const input = (id: string): LeafRunInput => ({ leaf: { id, prompt: `prompt of ${id}` }, inputHash: 'abc123' }) as unknown as LeafRunInput;

  it('answers every leaf of a fan-out from one rule', async () => {
    const runner = new MockLeafRunner(environment, { leaves: [rule({ prompt: '^prompt of leaf-' }, 'leaf-{index} says {prompt}')], judge: [], expand: [], reduce: [] });
    const results = await Promise.all(['leaf-0', 'leaf-7'].map((id) => runner.run(input(id), context)));
    expect(results.map((result) => result.output)).toEqual(['leaf-0 says prompt of leaf-0', 'leaf-7 says prompt of leaf-7']);
  });

  it('answers plain text as it is and a doubled placeholder as the placeholder', async () => {
    const runner = new MockLeafRunner(environment, { leaves: [rule({ id: 'plain' }, 'just text'), rule({ id: 'escaped' }, 'literally {{id}}')], judge: [], expand: [], reduce: [] });
    const results = await Promise.all(['plain', 'escaped'].map((id) => runner.run(input(id), context)));
    expect(results.map((result) => result.output)).toEqual(['just text', 'literally {id}']);
  });

  it('fails the leaf, not the run, when the template cannot be filled', async () => {
    const runner = new MockLeafRunner(environment, { leaves: [rule({ id: 'tests' }, 'n={index}')], judge: [], expand: [], reduce: [] });
    const result = await runner.run(input('tests'), context);
    expect(result).toMatchObject({ status: 'failed', output: null, error: expect.stringContaining('does not end with a number') });
  });
});
