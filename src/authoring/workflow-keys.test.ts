import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import { formatDiagnostic, InvalidInputError } from '../util/index.js';
import { compileWorkflowSource } from './compile-workflow.js';

async function problemsOf(file: string, text: string): Promise<{ warnings: string[]; errors: string[] }> {
  try {
    const compiled = await compileWorkflowSource(file, text);
    return { warnings: compiled.warnings.map((warning) => formatDiagnostic(warning)), errors: [] };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    const shown = (severity: string) => error.diagnostics.filter((diagnostic) => diagnostic.severity === severity).map((diagnostic) => formatDiagnostic(diagnostic));
    return { warnings: shown('warning'), errors: shown('error') };
  }
}

const STEPS_YAML = 'id: x\ngoal: do it\nsteps:\n  - kind: leaf\n    spec: {id: a, prompt: p}\n';

describe('a wrong top-level key never runs silently as an empty workflow', () => {
  it('YAML: steps instead of nodes is a positioned warning with the key meant, and the empty workflow is refused', async () => {
    expect(await problemsOf('w.yaml', STEPS_YAML)).toEqual({
      warnings: ['w.yaml:3:1: warning: unknown workflow field "steps" is ignored (did you mean "nodes"?); the workflow\'s fields are id, goal, description, budget, permissions, model_policy, promotion_policy, nodes'],
      errors: ['w.yaml:3:1: the workflow has no nodes, so it would run nothing; its nodes are under "steps", which is not a workflow field: rename it "nodes"'],
    });
  });

  it('JSON: a near miss is suggested by spelling; a stray key next to real nodes only warns', async () => {
    const misspelt = await problemsOf('w.json', '{"goal": "g",\n "ndoes": [{"kind": "leaf", "spec": {"id": "a", "prompt": "p"}}]}');
    expect(misspelt.warnings[0]).toMatch(/^w\.json:2:2: warning: unknown workflow field "ndoes" is ignored \(did you mean "nodes"\?\)/);
    expect(misspelt.errors).toEqual(['w.json:2:2: the workflow has no nodes, so it would run nothing; its nodes are under "ndoes", which is not a workflow field: rename it "nodes"']);
    const stray = await problemsOf('w.json', '{"goal": "g", "nodes": [{"kind": "leaf", "spec": {"id": "a", "prompt": "p"}}], "steps": []}');
    expect(stray.errors).toEqual([]);
    expect(stray.warnings).toEqual([expect.stringMatching(/^w\.json:1:\d+: warning: unknown workflow field "steps" is ignored; the workflow's fields are/)]);
  });

  it('.workflow.js: the same warning and refusal; CodeWhale\'s gates is ignored without a warning', async () => {
    const steps = await problemsOf('w.workflow.js', 'export default workflow({\n  goal: "g",\n  tasks: [{ agent: { id: "a", prompt: "p" } }],\n});\n');
    expect(steps.warnings).toEqual([expect.stringMatching(/^w\.workflow\.js:3:\d+: warning: unknown workflow field "tasks" is ignored \(did you mean "nodes"\?\)/)]);
    expect(steps.errors).toEqual([expect.stringMatching(/^w\.workflow\.js:3:\d+: the workflow has no nodes, so it would run nothing; its nodes are under "tasks"/)]);
    const gates = await problemsOf('w.workflow.js', 'export default workflow({ goal: "g", gates: [], nodes: [{ agent: { id: "a", prompt: "p" } }] });\n');
    expect(gates).toEqual({ warnings: [], errors: [] });
  });

  it('Starlark: a workflow() with no nodes is refused at the call', async () => {
    expect((await problemsOf('w.star', 'workflow(goal = "g", nodes = [])\n')).errors).toEqual(['w.star:1:9: the workflow has no nodes, so it would run nothing: add them under "nodes"']);
  });
});

describe('whaleflow check and run on a workflow with steps: instead of nodes', () => {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-keys-'));
  writeFileSync(join(directory, 'steps.yaml'), STEPS_YAML);
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('check prints the warning and the refusal and exits 1', async () => {
    const checked = await runCliInMemory(['check', 'steps.yaml'], { cwd: directory });
    expect(checked.exitCode).toBe(1);
    expect(checked.stderr).toContain('steps.yaml:3:1: warning: unknown workflow field "steps" is ignored (did you mean "nodes"?)');
    expect(checked.stderr).toContain('steps.yaml:3:1: the workflow has no nodes, so it would run nothing');
  });

  it('run refuses before anything starts: exit 1, no run recorded', async () => {
    const run = await runCliInMemory(['run', 'steps.yaml'], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('the workflow has no nodes');
    expect(run.stdout).not.toContain('run succeeded');
    expect((await runCliInMemory(['ps'], { cwd: directory })).stdout).not.toContain('steps.yaml');
  });
});
