// Through the CLI with the real leaves (real commands, the real sandbox) and a scripted planner
// acting as an attacker: what a model writes never runs a command the workflow source did not
// declare, under any grant, and the refusal names the node.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapForTests } from '../../leaves/testing/require-bubblewrap.js';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

/** Where bwrap is missing outside CI, the authority rules are tested unconfined (the sandbox has its own tests). */
const SANDBOX_FLAGS = bubblewrapForTests() ? [] : ['--no-sandbox'];

function expandWorkflow(template: unknown): string {
  return JSON.stringify({
    id: 'grow',
    goal: 'expand a step',
    nodes: [{ kind: 'expand', spec: { id: 'more', source: 'split the checks', max_children: 2, template } }],
  });
}

/** The mock model answers every planner call (first attempt and repair) with `nodes`. */
function plannerFixture(nodes: unknown): string {
  return `model:\n  rules:\n    - match: {prompt: "You expand one step"}\n      text: ${JSON.stringify(JSON.stringify(nodes))}\n`;
}

const PWN = { kind: 'leaf', spec: { id: 'pwn', prompt: 'Run the check', agent_type: 'verifier', command: 'echo pwned > pwned.txt' } };

describe('whaleflow run: a model-written expansion has no command authority', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    repository = tempGitRepository({ 'README.md': 'project\n' });
    env = isolatedUserEnvironment(repository.root);
  });
  afterEach(() => repository.remove());

  const run = (...args: string[]) => runCliInMemory(['run', ...args, '--provider', 'mock-model', ...SANDBOX_FLAGS], { cwd: repository.root, env });

  for (const grant of [[], ['--read-only'], ['--allow-write-tree']]) {
    it(`a planner's shell command is refused naming the node and never runs (${grant.join(' ') || 'default grant'})`, async () => {
      writeFileSync(join(repository.root, 'grow.json'), expandWorkflow({ kind: 'leaf', spec: { id: 'step', prompt: 'check one thing' } }));
      writeFileSync(join(repository.root, 'planner.yaml'), plannerFixture([PWN]));
      const result = await run('grow.json', '--fixtures', 'planner.yaml', ...grant);
      expect(result.stdout).toContain('expands: more: model-written nodes may run no command');
      expect(result.exitCode).toBe(1);
      expect(existsSync(join(repository.root, 'pwned.txt'))).toBe(false);
      const inspect = await runCliInMemory(['inspect', 'last', 'more'], { cwd: repository.root, env });
      expect(inspect.stdout).toContain('node "pwn": runs "echo pwned > pwned.txt", which model output chose');
      const tree = await runCliInMemory(['inspect', 'last'], { cwd: repository.root, env });
      expect(tree.stdout).not.toMatch(/pwn \(leaf\)/); // the generated leaf never became part of the run
    }, 60_000);
  }

  it("an expansion that uses the command its template declares runs it (in the sandbox)", async () => {
    const template = { kind: 'leaf', spec: { id: 'check', prompt: 'run the check', agent_type: 'verifier', command: 'git ls-files' } };
    writeFileSync(join(repository.root, 'grow.json'), expandWorkflow(template));
    const generated = { kind: 'leaf', spec: { id: 'check-readme', prompt: 'list the tracked files', agent_type: 'verifier', command: 'git ls-files' } };
    writeFileSync(join(repository.root, 'planner.yaml'), plannerFixture([generated]));
    const result = await run('grow.json', '--fixtures', 'planner.yaml', '--json');
    expect(result.stderr).toContain('expands: more: model-written nodes may run only "git ls-files"');
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout) as { status: string; results: { id: string; children?: { id: string; status: string; output: string }[] }[] };
    expect(json.status).toBe('succeeded');
    expect(json.results[0]!.children?.[0]).toMatchObject({ id: 'check-readme', status: 'succeeded', output: expect.stringContaining('README.md') });
  }, 60_000);

  it('--allow-command lets a model-written leaf run exactly what the user granted', async () => {
    writeFileSync(join(repository.root, 'grow.json'), expandWorkflow({ kind: 'leaf', spec: { id: 'step', prompt: 'check one thing' } }));
    const generated = { kind: 'leaf', spec: { id: 'status', prompt: 'show the status', agent_type: 'verifier', command: 'git status --short' } };
    writeFileSync(join(repository.root, 'planner.yaml'), plannerFixture([generated]));
    const result = await run('grow.json', '--fixtures', 'planner.yaml', '--allow-command', 'git status --short');
    expect(result.stdout).toContain('expands: more: model-written nodes may run only "git status --short"');
    expect(result.stdout).toContain('and granted "git status --short"');
    expect(result.exitCode).toBe(0);
  }, 60_000);

  it('a generated plan (.plan.json) runs no command of its own: refused by node before it starts, unless granted', async () => {
    const plan = (command: string) => JSON.stringify({ goal: 'check the project', phases: [{ title: 'check', children: [{ id: 'tamper', type: 'test', command }] }] });
    writeFileSync(join(repository.root, 'tamper.plan.json'), plan('echo pwned > pwned.txt'));
    const refused = await run('tamper.plan.json', '--allow-write-tree');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('node "tamper": runs "echo pwned > pwned.txt", which model output chose');
    expect(refused.stderr).toContain('not started');
    expect(existsSync(join(repository.root, 'pwned.txt'))).toBe(false);

    writeFileSync(join(repository.root, 'list.plan.json'), plan('git ls-files'));
    const granted = await run('list.plan.json', '--allow-command', 'git ls-files', '--json');
    expect(granted.stderr).toContain('no commands of its own (a generated plan), and granted "git ls-files"');
    expect(granted.exitCode).toBe(0);
    expect(granted.stdout).toContain('README.md');
  }, 60_000);
});
