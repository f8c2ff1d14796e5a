import { describe, expect, it } from 'vitest';
import { compileWorkflowSource } from '../../authoring/index.js';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';

async function diagnosticsOf(yaml: string, options = {}): Promise<string[]> {
  try {
    await compileWorkflowSource('wf.yaml', yaml, options);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
  }
}

const leaf = (id: string, extra = '') => `  - kind: leaf\n    spec: {id: ${id}, prompt: do ${id}${extra}}\n`;

describe('validateSpec: one failing example per rule, exact messages', () => {
  it('accepts a valid workflow', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n${leaf('a')}${leaf('b', ', depends_on_results: [a]')}`)).toEqual([]);
  });

  it('blank id', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n  - kind: leaf\n    spec: {id: " ", prompt: p}\n`)).toEqual([
      'wf.yaml:4:12: node id must not be blank',
    ]);
  });

  it('duplicate id, nested included', async () => {
    const yaml = `goal: g\nnodes:\n${leaf('a')}  - kind: sequence\n    spec:\n      id: s\n      children:\n        - kind: leaf\n          spec: {id: a, prompt: again}\n`;
    expect(await diagnosticsOf(yaml)).toEqual(['wf.yaml:10:18: node "a": duplicate node id "a"']);
  });

  it('blank goal', async () => {
    expect(await diagnosticsOf(`goal: "  "\nnodes:\n${leaf('a')}`)).toEqual(['wf.yaml:1:1: workflow goal must not be blank']);
  });

  it('blank leaf prompt', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n  - kind: leaf\n    spec: {id: a, prompt: ""}\n`)).toEqual([
      'wf.yaml:4:19: node "a": leaf prompt must not be blank',
    ]);
  });

  it('blank reduce prompt', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n${leaf('a')}  - kind: reduce\n    spec: {id: r, inputs: [a], prompt: " "}\n`)).toEqual([
      'wf.yaml:6:32: node "r": reduce prompt must not be blank',
    ]);
  });

  it('blank condition', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: cond\n    spec: {id: c, condition: "", then_nodes: []}\n`;
    expect(await diagnosticsOf(yaml)).toEqual(['wf.yaml:4:19: node "c": cond condition must not be blank']);
  });

  it('reference to a node that does not exist', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n${leaf('a', ', depends_on_results: [ghost]')}`)).toEqual([
      'wf.yaml:4:33: node "a": depends_on_results names "ghost", which is not a node of this workflow',
    ]);
  });

  it('reference to itself', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n${leaf('a', ', depends_on_results: [a]')}`)).toEqual([
      'wf.yaml:4:33: node "a": depends_on_results names the node itself',
    ]);
  });

  it('reference to something that runs later in a sequence', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n${leaf('a', ', depends_on_results: [b]')}${leaf('b')}`)).toEqual([
      'wf.yaml:4:33: node "a": depends_on_results names "b", which runs after it in the workflow',
    ]);
  });

  it('reference to an enclosing node', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: sequence\n    spec:\n      id: s\n      children:\n        - kind: leaf\n          spec: {id: a, prompt: p, depends_on_results: [s]}\n`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:8:36: node "a": depends_on_results names "s", which contains this node and so cannot finish before it',
    ]);
  });

  it('reference into the other arm of a cond', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: cond\n    spec:\n      id: c\n      condition: tests pass\n      then_nodes:\n        - kind: leaf\n          spec: {id: a, prompt: p}\n      else_nodes:\n        - kind: leaf\n          spec: {id: b, prompt: p, depends_on_results: [a]}\n`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:12:36: node "b": depends_on_results names "a", which is in the other arm of cond "c" and never runs with it',
    ]);
  });

  it('a sibling in a parallel branch is a dataflow edge, not an error', async () => {
    const yaml = [
      'goal: g',
      'nodes:',
      '  - kind: branch_set',
      '    spec:',
      '      id: p',
      '      parallel: true',
      '      children:',
      '        - {kind: leaf, spec: {id: a, prompt: p, depends_on_results: [b]}}',
      '        - {kind: leaf, spec: {id: b, prompt: p}}',
      '',
    ].join('\n');
    expect(await diagnosticsOf(yaml)).toEqual([]);
  });

  it('a cycle of references in a parallel branch', async () => {
    const yaml = [
      'goal: g',
      'nodes:',
      '  - kind: branch_set',
      '    spec:',
      '      id: p',
      '      parallel: true',
      '      children:',
      '        - {kind: leaf, spec: {id: a, prompt: p, depends_on_results: [b]}}',
      '        - {kind: leaf, spec: {id: b, prompt: p, depends_on_results: [a]}}',
      '',
    ].join('\n');
    expect(await diagnosticsOf(yaml)).toEqual(['wf.yaml:9:49: node "b": cycle of references: a → b → a']);
  });

  it('a loop needs max_iterations', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: loop_until\n    spec: {id: l, condition: done, children: []}\n`;
    expect(await diagnosticsOf(yaml)).toEqual(['wf.yaml:4:5: node "l": loop_until needs max_iterations to bound its launch shape']);
  });

  it('an expand needs a template and max_children', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: expand\n    spec: {id: e, source: plan}\n`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:4:5: node "e": expand needs a template node',
      'wf.yaml:4:5: node "e": expand needs max_children to bound its launch shape',
    ]);
  });

  it('launch shape: too many agents, loops multiplied out', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: loop_until\n    spec:\n      id: l\n      condition: done\n      max_iterations: 3\n      children:\n${leaf('a').replace(/^/gm, '    ').trimEnd()}\n${leaf('b').replace(/^/gm, '    ').trimEnd()}\n`;
    expect(await diagnosticsOf(yaml, { maxAgents: 5 })).toEqual(['wf.yaml:2:1: workflow may launch 6 agents, more than the limit of 5']);
  });

  it('launch shape: branches nested too deep', async () => {
    const branch = (id: string, inner: string) => `{kind: branch_set, spec: {id: ${id}, children: [${inner}]}}`;
    const nested = branch('b1', branch('b2', branch('b3', '{kind: leaf, spec: {id: a, prompt: p}}')));
    expect(await diagnosticsOf(`goal: g\nnodes:\n  - ${nested}\n`, { maxDepth: 2 })).toEqual([
      'wf.yaml:2:1: branches are nested 3 deep, more than the limit of 2',
    ]);
  });

  it('a read_write leaf in a parallel branch needs a file_scope or a worktree', async () => {
    const yaml = `goal: g\nnodes:\n  - kind: branch_set\n    spec:\n      id: p\n      parallel: true\n      children:\n        - {kind: leaf, spec: {id: w, prompt: p, mode: read_write}}\n        - {kind: leaf, spec: {id: ok, prompt: p, mode: read_write, isolation: worktree}}\n`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:8:49: node "w": read_write leaf in parallel branch "p" needs a non-empty file_scope or isolation "worktree"',
    ]);
  });

  it('permissions only narrow: a child may not declare more than a declaring ancestor', async () => {
    const yaml = [
      'goal: g',
      'permissions: {allow_write: false, allowed_tools: [read, grep], file_scope: ["src/**"]}',
      'nodes:',
      '  - kind: leaf',
      '    spec:',
      '      id: a',
      '      prompt: p',
      '      mode: read_write',
      '      file_scope: ["docs/**"]',
      '      permissions: {allow_write: true, allowed_tools: [read, run]}',
      '',
    ].join('\n');
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:8:7: node "a": mode is read_write but the workflow declares allow_write false',
      'wf.yaml:9:7: node "a": file_scope docs/** reaches outside the workflow\'s file_scope',
      'wf.yaml:10:21: node "a": permissions.allow_write is true but the workflow declares it false',
      'wf.yaml:10:40: node "a": permissions.allowed_tools adds run, not allowed by the workflow',
    ]);
  });

  it('until.tests_pass must name test leaves inside the loop body', async () => {
    const yaml = `goal: g\nnodes:\n${leaf('outside')}  - kind: loop_until\n    spec:\n      id: l\n      max_iterations: 2\n      until: {tests_pass: [outside]}\n      children:\n        - {kind: leaf, spec: {id: t, prompt: p, command: npm test}}\n`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:9:15: node "l": until.tests_pass names "outside", which is not inside this loop\'s body',
    ]);
  });

  it('collects every error, not just the first, in source order', async () => {
    const yaml = `goal: ""\nnodes:\n  - kind: leaf\n    spec: {id: a, prompt: ""}\n${leaf('a', ', depends_on_results: [zz]')}`;
    expect(await diagnosticsOf(yaml)).toEqual([
      'wf.yaml:1:1: workflow goal must not be blank',
      'wf.yaml:4:19: node "a": leaf prompt must not be blank',
      'wf.yaml:6:12: node "a": duplicate node id "a"',
      'wf.yaml:6:33: node "a": depends_on_results names "zz", which is not a node of this workflow',
    ]);
  });

  it('type errors name the node and the field', async () => {
    expect(await diagnosticsOf(`goal: g\nnodes:\n  - kind: leaf\n    spec: {id: a, prompt: 42, mode: sideways}\n`)).toEqual([
      'wf.yaml:4:19: node "a": prompt: expected string, got number 42',
      'wf.yaml:4:31: node "a": mode: expected one of "read_only", "read_write", got "sideways"',
    ]);
  });
});
