import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';
import { compileWorkflowSource } from '../index.js';

async function diagnosticsOf(text: string, file = 'flow.workflow.ts'): Promise<string[]> {
  try {
    await compileWorkflowSource(file, text);
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
    throw error;
  }
  return [];
}

/** A workflow whose single leaf prompt is the given expression source. */
const withPrompt = (expression: string) => `workflow({goal: "g", nodes: [{agent: {id: "a", prompt: ${expression}}}]})`;

describe('declarative .workflow.js/.ts front-end', () => {
  it('lowers every wrapper form to the IR', async () => {
    const text = `import { workflow } from 'whaleflow';
type Unused = { a: string };
export default workflow({
  goal: 'g',
  nodes: [
    { branch: { id: 'b', children: [{ search: { id: 's', query: 'memo' } }, { shell: { id: 'sh', command: 'ls' } }] } },
    { sequence: { id: 'seq', children: [{ test: { id: 't', command: 'npm test', expect_exit: 0 } }] } },
    { loop_until: { id: 'l', max_iterations: 2, until: { tests_pass: ['t2'] }, children: [{ test: { id: 't2', command: 'npm test' } }] } },
    { cond: { id: 'c', condition: 'x', then_nodes: [{ agent: { id: 'then', prompt: 'p' } }] } },
    { expand: { id: 'e', source: 'list', max_children: 2, template: { agent: { id: 'tpl', prompt: 'p' } } } },
    { tournament: { id: 'tour', candidates: ['s', 'sh'], by: 'judge', judge: 'better?' } },
    { pareto: { id: 'par', candidates: ['s', 'sh'], max_items: 1 } },
    { teacher_review: { id: 'tr', candidates: ['tour'] } },
    { reduce: { id: 'r', inputs: ['par'], prompt: 'sum', role: 'reducer' } },
    { kind: 'leaf', spec: { id: 'raw', prompt: 'raw node', agent_type: 'review' } },
  ],
} satisfies object);`;
    const { spec } = await compileWorkflowSource('flow.workflow.ts', text);
    expect(spec.nodes.map((node) => node.kind)).toEqual(['branch_set', 'sequence', 'loop_until', 'cond', 'expand', 'tournament', 'pareto', 'teacher_review', 'reduce', 'leaf']);
    const branch = spec.nodes[0];
    if (branch.kind !== 'branch_set') throw new Error('expected a branch');
    expect(branch.spec.parallel).toBe(true);
    expect(branch.spec.children[0]).toMatchObject({ kind: 'leaf', spec: { prompt: 'Search codebase: memo', agent_type: 'explore' } });
    expect(branch.spec.children[1]).toMatchObject({ kind: 'leaf', spec: { prompt: 'Run shell command: ls', agent_type: 'verifier', command: 'ls' } });
  });

  it('accepts negative numbers, template literals without ${}, quoted keys and prompts with keywords', async () => {
    const text = `export default workflow({"goal": \`while import async\`, 'nodes': [{agent: {id: 'a', prompt: 'import x; while true'}}],
      budget: {max_tokens: +5}, promotion_policy: {promotion_gate: {min_score_delta: -1}}});`;
    const { spec } = await compileWorkflowSource('flow.workflow.js', text);
    expect(spec.goal).toBe('while import async');
    expect(spec.promotion_policy.promotion_gate.min_score_delta).toBe(-1);
  });

  it('a branch keeps an explicit parallel: false', async () => {
    const { spec } = await compileWorkflowSource('f.workflow.js', 'workflow({goal: "g", nodes: [{branch: {id: "b", parallel: false, children: []}}]})');
    expect(spec.nodes[0]).toMatchObject({ spec: { parallel: false } });
  });

  it.each([
    ['a function call', withPrompt('makePrompt()'), 'f.workflow.ts:1:56: only literal data is allowed here, not a function call'],
    ['an identifier', withPrompt('prompt'), 'f.workflow.ts:1:56: only literal data is allowed here, not an identifier (`prompt`)'],
    ['an arrow function', withPrompt('() => "x"'), 'f.workflow.ts:1:56: only literal data is allowed here, not an arrow function'],
    ['a template with ${}', withPrompt('`a${b}`'), 'f.workflow.ts:1:56: only literal data is allowed here, not a template literal with `${}` expressions'],
    ['string concatenation', withPrompt('"a" + "b"'), 'f.workflow.ts:1:56: only literal data is allowed here, not an operator expression'],
    ['undefined', withPrompt('undefined'), 'f.workflow.ts:1:56: only literal data is allowed here, not an identifier (`undefined`)'],
    ['a spread in an object', 'workflow({goal: "g", ...base})', 'f.workflow.ts:1:22: only "key: value" entries are allowed in a workflow object, not a spread (`...`)'],
    ['a spread in a list', 'workflow({goal: "g", nodes: [...more]})', 'f.workflow.ts:1:30: only literal data is allowed here, not a spread (`...`)'],
    ['a computed key', 'workflow({goal: "g", ["no" + "des"]: []})', 'f.workflow.ts:1:22: a key must be a plain name or a string, not a computed key (`[...]`)'],
    ['a shorthand property', 'workflow({goal: "g", nodes})', 'f.workflow.ts:1:22: only "key: value" entries are allowed in a workflow object, not a shorthand property (it refers to a variable)'],
    ['a method', 'workflow({goal: "g", nodes() { return [] }})', 'f.workflow.ts:1:22: only "key: value" entries are allowed in a workflow object, not a method'],
    ['a duplicate key', 'workflow({goal: "g",\n  goal: "h"})', 'f.workflow.ts:2:3: duplicate key "goal"'],
    ['a list hole', 'workflow({goal: "g", nodes: [,]})', 'f.workflow.ts:1:30: a hole in a list (two commas in a row) is not allowed'],
    ['a variable declaration', 'const nodes = [];\nworkflow({goal: "g"})', 'f.workflow.ts:1:1: a declarative workflow file holds one workflow({...}) call (and imports or types), not a variable declaration'],
    ['another import', "import fs from 'node:fs';\nworkflow({goal: 'g'})", "f.workflow.ts:1:1: only `import { workflow } from 'whaleflow'` is allowed; a declarative workflow runs no code"],
    ['another call', 'main()', 'f.workflow.ts:1:1: expected workflow({...}), found a function call'],
    ['workflow twice', 'workflow({goal: "g"});\n  workflow({goal: "h"})', 'f.workflow.ts:2:3: workflow() is called twice; the first call is at f.workflow.ts:1:1'],
    ['no workflow at all', '// nothing here\n', 'f.workflow.ts:1:1: not a workflow: the file has no statements; a workflow file is export default workflow({ goal: "...", nodes: [...] })'],
    ['two arguments', 'workflow({goal: "g"}, {})', 'f.workflow.ts:1:1: workflow() takes one object, got 2 arguments'],
    ['an unknown wrapper', 'workflow({goal: "g", nodes: [{agnet: {id: "a"}}]})', 'f.workflow.ts:1:31: unknown node wrapper "agnet"'],
    ['two wrappers in one node', 'workflow({goal: "g", nodes: [{agent: {}, branch: {}}]})', 'f.workflow.ts:1:30: a node is one wrapper such as {agent: {...}}, but this object has "agent", "branch"'],
    ['a search without query', 'workflow({goal: "g", nodes: [{search: {id: "s"}}]})', 'f.workflow.ts:1:39: search needs "query" as a string'],
    ['a test that writes its own prompt', 'workflow({goal: "g", nodes: [{test: {id: "t", command: "x", prompt: "p"}}]})', 'f.workflow.ts:1:61: test builds its own prompt from "command"'],
    ['a syntax error', 'workflow({goal: "g",, })', 'f.workflow.ts:1:21: '],
  ])('rejects %s with its position', async (_name, text, expected) => {
    const diagnostics = await diagnosticsOf(text, 'f.workflow.ts');
    expect(diagnostics.join('\n')).toContain(expected);
  });

  it('reports IR validation errors at the JS position of the field', async () => {
    const text = 'workflow({goal: "g", nodes: [\n  {agent: {id: "a", prompt: "p",\n    depends_on_results: ["ghost"]}}]})';
    const diagnostics = await diagnosticsOf(text);
    expect(diagnostics).toContain('flow.workflow.ts:3:5: node "a": depends_on_results names "ghost", which is not a node of this workflow');
  });

  it('reports schema errors at the JS position of the field', async () => {
    const diagnostics = await diagnosticsOf('workflow({goal: "g", nodes: [{agent: {id: "a", prompt: "p", mode: "sideways"}}]})');
    expect(diagnostics[0]).toMatch(/^flow\.workflow\.ts:1:61: node "a": mode: expected one of "read_only", "read_write", got "sideways"/);
  });

  it('never executes anything: a side effect in the file is rejected, not run', async () => {
    const marker = '__whaleflowJsFrontEndRan';
    const diagnostics = await diagnosticsOf(`globalThis.${marker} = true;\nworkflow({goal: "g"})`);
    expect(diagnostics[0]).toMatch(/flow\.workflow\.ts:1:1: expected workflow\(\{\.\.\.\}\), found an operator expression/);
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  it('deep nesting is a diagnostic, not a crash', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const diagnostics = await diagnosticsOf(`workflow({goal: "g", nodes: ${deep}})`);
    expect(diagnostics[0]).toMatch(/nesting is deeper than 512 levels|nested too deeply/);
  });
});
