import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../run-cli-in-memory.js';

/** Two leaves, then a planner whose template is one leaf (the source fits --max-agents 4). */
const WORKFLOW = JSON.stringify({
  id: 'plan',
  goal: 'expand',
  nodes: [
    { kind: 'leaf', spec: { id: 'first', prompt: 'one' } },
    { kind: 'leaf', spec: { id: 'second', prompt: 'two' } },
    { kind: 'expand', spec: { id: 'plan-it', source: 'split the work', max_children: 2, template: { kind: 'leaf', spec: { id: 'item', prompt: 'x' } } } },
  ],
});

const leafNode = (id: string) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}` } });

function fixture(reply: unknown[]): string {
  return `expand:\n  - match: {node: plan-it}\n    replies: [${JSON.stringify(reply)}]\n`;
}

describe("whaleflow run --max-agents: the user's limit holds for what a planner writes", () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  const project = (reply: unknown[]): string => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-launch-'));
    directories.push(directory);
    writeFileSync(join(directory, 'plan.json'), WORKFLOW);
    writeFileSync(join(directory, 'f.yaml'), fixture(reply));
    return directory;
  };

  it('refuses an expansion that would launch more agents than --max-agents, naming the expand, and exits 1', async () => {
    const hidden = [{ kind: 'branch_set', spec: { id: 'wide', parallel: true, children: [leafNode('w1'), leafNode('w2'), leafNode('w3')] } }];
    const run = await runCliInMemory(['run', 'plan.json', '--fixtures', 'f.yaml', '--max-agents', '4'], { cwd: project(hidden) });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('plan-it (expand) failed');
    expect(run.stdout).toContain('expand "plan-it": the generated nodes may launch 3 agent(s); with them in place of the template the workflow may launch 5');
    expect(run.stdout).toContain('(--max-agents)');
  });

  it('runs the same planner within the limit', async () => {
    const run = await runCliInMemory(['run', 'plan.json', '--fixtures', 'f.yaml', '--max-agents', '4'], { cwd: project([leafNode('a'), leafNode('b')]) });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('run succeeded: 4/4 leaves');
  });
});
