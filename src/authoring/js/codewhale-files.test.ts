import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InvalidInputError } from '../../util/index.js';
import { compileWorkflowFile } from '../index.js';

// Fixtures written here in the forms CodeWhale's workflow files take (issue #15): imperative
// code, mode "write", roles with spaces and capitals, files that are not workflows.
const repoRoot = resolve(import.meta.dirname, '../../..');
const fixture = (name: string) => relative(repoRoot, join(repoRoot, 'src/authoring/testdata/codewhale', name));

async function refusal(name: string): Promise<string[]> {
  try {
    await compileWorkflowFile(join(repoRoot, fixture(name)));
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic).slice(repoRoot.length + 1));
    throw error;
  }
  throw new Error(`${name} compiled, but it must be refused`);
}

const NON_GOAL = 'executing workflow code is a non-goal of this milestone: this file is an imperative workflow';
const REMEDY = 'write it as export default workflow({ goal: "...", nodes: [...] })';

describe("CodeWhale's workflow files load or are refused precisely", () => {
  it('an imperative export default async function is refused at its first call, with that call written declaratively', async () => {
    expect(await refusal('imperative-function.workflow.js')).toEqual([
      `${fixture('imperative-function.workflow.js')}:7:3: ${NON_GOAL} (export default async function at 5:1), and WhaleFlow reads workflow files as data, never running them; ${REMEDY} — its first call, phase('Review'), is declaratively { sequence: { id: "review", children: [/* the steps of this phase */] } }`,
    ]);
  });

  it('a parallel fan-out of task thunks becomes a parallel branch of agents (arrow function, TypeScript)', async () => {
    const [message] = await refusal('imperative-parallel-first.workflow.ts');
    expect(message).toMatch(new RegExp(`^${fixture('imperative-parallel-first.workflow.ts').replace(/\./g, '\\.')}:3:25: `));
    expect(message).toContain('(export default async arrow function at 2:1)');
    expect(message).toContain(
      'its first call, parallel([...]), is declaratively { branch: { id: "parallel-1", children: [ { agent: { id: "scout-storage", prompt: "Map the storage layer", agent_type: "explore" } }, { agent: { id: "scout-http", prompt: "Map the HTTP layer", agent_type: "explore" } }, /* ... */ ] } }',
    );
  });

  it('a task with a worktree and write authority becomes a read_write agent isolated in a worktree', async () => {
    const [message] = await refusal('imperative-task-first.workflow.js');
    expect(message).toContain(':2:21: ');
    expect(message).toContain(
      'its first call, task({...}), is declaratively { agent: { id: "fixer", prompt: "Implement the smallest fix for the failing test in an iso...", agent_type: "implementer", mode: "read_write", isolation: "worktree" } }',
    );
  });

  it('a top-level script of workflow calls is refused the same way', async () => {
    const [message] = await refusal('imperative-script.workflow.js');
    expect(message).toContain(':4:20: ');
    expect(message).toContain('(workflow calls at the top level of the file at 4:1)');
    expect(message).toContain('is declaratively { agent: { id: "log-reader", prompt: "Read the CI logs and list the failing jobs" } }');
  });

  it('a default-exported function without workflow calls is refused at the function', async () => {
    expect(await refusal('imperative-no-calls.workflow.js')).toEqual([
      `${fixture('imperative-no-calls.workflow.js')}:1:1: ${NON_GOAL} (export default function at 1:1), and WhaleFlow reads workflow files as data, never running them; ${REMEDY}`,
    ]);
  });

  it('mode "write" stays refused, with read_write suggested, and the gate still reports the rest', async () => {
    expect(await refusal('write-mode.workflow.js')).toEqual([
      `${fixture('write-mode.workflow.js')}:4:80: node "fixer": mode: "write" is not a mode (CodeWhale rejects it too); use "read_write"`,
    ]);
  });

  it('roles with spaces and capitals load, normalized as upstream does, each with a positioned warning', async () => {
    const compiled = await compileWorkflowFile(join(repoRoot, fixture('role-spaces.workflow.js')));
    const chain = compiled.spec.nodes[0];
    if (chain.kind !== 'sequence') throw new Error('expected a sequence');
    expect(chain.spec.children.map((child) => (child.kind === 'leaf' ? child.spec.role : undefined))).toEqual(['scout', 'reviewer']);
    expect(compiled.warnings.map((warning) => formatDiagnostic(warning).slice(repoRoot.length + 1))).toEqual([
      `${fixture('role-spaces.workflow.js')}:8:85: warning: node "scout": role " Scout " is read as "scout" (trimmed and lowercased, as CodeWhale does); write "scout"`,
      `${fixture('role-spaces.workflow.js')}:9:84: warning: node "review": role "Reviewer" is read as "reviewer" (trimmed and lowercased, as CodeWhale does); write "reviewer"`,
    ]);
  });

  it('files that are not workflows get one precise diagnostic', async () => {
    expect(await refusal('helpers.workflow.js')).toEqual([
      `${fixture('helpers.workflow.js')}:1:1: not a workflow: it declares REVIEW_RUBRIC, reviewPrompt; a workflow file is export default workflow({ goal: "...", nodes: [...] })`,
    ]);
    expect(await refusal('empty.workflow.js')).toEqual([
      `${fixture('empty.workflow.js')}:1:1: not a workflow: the file has no statements; a workflow file is export default workflow({ goal: "...", nodes: [...] })`,
    ]);
  });

  it('a declarative file in upstream shape (quoted keys, gates, budgets) loads unchanged', async () => {
    const compiled = await compileWorkflowFile(join(repoRoot, fixture('declarative-upstream.workflow.js')));
    expect(compiled.warnings).toEqual([]);
    expect(compiled.spec.id).toBe('release-check');
    const chain = compiled.spec.nodes[0];
    if (chain.kind !== 'sequence') throw new Error('expected a sequence');
    expect(chain.spec.children.map((child) => child.kind === 'leaf' && [child.spec.id, child.spec.role, child.spec.mode])).toEqual([
      ['read-notes', 'scout', 'read_only'],
      ['compare', 'reviewer', 'read_only'],
    ]);
  });

  it('role normalization and the mode hint apply to every front-end (YAML here)', async () => {
    const { compileWorkflowSource } = await import('../index.js');
    const compiled = await compileWorkflowSource('w.yaml', 'goal: g\nnodes:\n  - kind: leaf\n    spec: {id: a, prompt: p, role: " Judge "}\n');
    expect(compiled.spec.nodes[0]).toMatchObject({ spec: { role: 'judge' } });
    expect(compiled.warnings.map((warning) => warning.code)).toEqual(['role-normalized']);
    const refused = await compileWorkflowSource('w.yaml', 'goal: g\nnodes:\n  - kind: leaf\n    spec: {id: a, prompt: p, mode: write}\n').then(
      () => [],
      (error: InvalidInputError) => error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic)),
    );
    expect(refused).toEqual(['w.yaml:4:30: node "a": mode: "write" is not a mode (CodeWhale rejects it too); use "read_write"']);
  });
});
