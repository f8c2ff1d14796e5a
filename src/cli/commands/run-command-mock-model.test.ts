import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

const TWO_ASKS = JSON.stringify({
  id: 'asks',
  goal: 'ask the model twice',
  nodes: [
    { kind: 'leaf', spec: { id: 'ask', prompt: 'Say hello' } },
    { kind: 'leaf', spec: { id: 'ask-again', prompt: 'Say hello again' } },
  ],
});

const WRITER = JSON.stringify({
  id: 'writer',
  goal: 'write a file in a worktree',
  nodes: [{ kind: 'leaf', spec: { id: 'write', prompt: 'Write notes.txt', mode: 'read_write', isolation: 'worktree' } }],
});

/** The model writes notes.txt, then finishes: the real tool loop, driven from a fixture. */
const WRITE_AND_FINISH = `model:
  rules:
    - match: {leaf: write, turn: 0}
      tool_calls: [{name: write_file, arguments: {path: notes.txt, content: "from the fixture\\n"}}]
    - match: {leaf: write, turn: 1}
      tool_calls: [{name: finish, arguments: {summary: wrote notes, status: succeeded}}]
`;

interface ResultJson {
  readonly status: string;
  readonly memo_usage: { armh_hits: number; armh_misses: number; armh_saved_estimated_tokens: number };
  readonly usage: { input_tokens: number };
  readonly results: { id: string; status: string; memo_usage: { armh_hits: number; armh_misses: number }; details?: { artifacts?: { kind: string; content: string }[] } }[];
}

describe('whaleflow run --provider mock-model', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    repository = tempGitRepository({ 'README.md': 'project\n' });
    // No user configuration leaks in: the embedded defaults (memo on, cross-run: deterministic).
    env = isolatedUserEnvironment(repository.root);
  });
  afterEach(() => repository.remove());

  it('memoizes answers in the project database: a second run is served by the memo, the model is not called', async () => {
    writeFileSync(join(repository.root, 'asks.json'), TWO_ASKS);
    const first = await runCliInMemory(['run', 'asks.json', '--provider', 'mock-model', '--json'], { cwd: repository.root, env });
    const firstResult = JSON.parse(first.stdout) as ResultJson;
    expect(firstResult.status).toBe('succeeded');
    expect(firstResult.memo_usage).toMatchObject({ armh_hits: 0, armh_misses: 2 });
    expect(existsSync(join(repository.root, '.whaleflow', 'whaleflow.db'))).toBe(true);

    const second = await runCliInMemory(['run', 'asks.json', '--provider', 'mock-model'], { cwd: repository.root, env });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/· 2 memo hits/);

    const third = await runCliInMemory(['run', 'asks.json', '--provider', 'mock-model', '--json'], { cwd: repository.root, env });
    const thirdResult = JSON.parse(third.stdout) as ResultJson;
    // Zero misses: the mock model received no call; each leaf's effect result carries its hit.
    expect(thirdResult.memo_usage).toMatchObject({ armh_hits: 2, armh_misses: 0 });
    expect(thirdResult.memo_usage.armh_saved_estimated_tokens).toBeGreaterThan(0);
    expect(thirdResult.usage.input_tokens).toBe(0);
    expect(thirdResult.results.map((node) => node.memo_usage)).toEqual([expect.objectContaining({ armh_hits: 1, armh_misses: 0 }), expect.objectContaining({ armh_hits: 1, armh_misses: 0 })]);

    // The trace recorded the hits like any other effect: inspect and ps show them.
    const inspect = await runCliInMemory(['inspect', 'last'], { cwd: repository.root, env });
    expect(inspect.stdout).toContain('memo hits 2');
    expect(inspect.stdout).toMatch(/ask \(leaf\).*memo 1 hit/);
    const ps = await runCliInMemory(['ps'], { cwd: repository.root, env });
    expect(ps.stdout).toContain('memo 2');

    const stats = await runCliInMemory(['memo', 'stats', '--json'], { cwd: repository.root, env });
    expect(JSON.parse(stats.stdout)).toMatchObject({ entries: 2 });

    // A memo hit is an effect result like any other: replaying the run is exact.
    const replay = await runCliInMemory(['replay', 'last'], { cwd: repository.root, env });
    expect(replay.stdout).toContain('parity: identical');
    expect(replay.exitCode).toBe(0);
  });

  it("follows the configuration's memo policy: cross_run: never keeps a later run from reusing answers", async () => {
    writeFileSync(join(repository.root, 'asks.json'), TWO_ASKS);
    writeFileSync(
      join(repository.root, 'whaleflow.config.yaml'),
      'providers:\n  local:\n    kind: mock\nmodels:\n  - provider: local\n    model: m\nroles:\n  default:\n    primary: local/m\nmemo:\n  cross_run: never\n',
    );
    await runCliInMemory(['run', 'asks.json', '--provider', 'mock-model'], { cwd: repository.root, env });
    const second = await runCliInMemory(['run', 'asks.json', '--provider', 'mock-model', '--json'], { cwd: repository.root, env });
    expect((JSON.parse(second.stdout) as ResultJson).memo_usage).toMatchObject({ armh_hits: 0, armh_misses: 2 });
  });

  it('drives the real tool loop from a fixture’s model section: a scripted write_file + finish in a worktree', async () => {
    writeFileSync(join(repository.root, 'writer.json'), WRITER);
    writeFileSync(join(repository.root, 'writer.fixtures.yaml'), WRITE_AND_FINISH);
    const run = await runCliInMemory(['run', 'writer.json', '--provider', 'mock-model', '--fixtures', 'writer.fixtures.yaml', '--json'], { cwd: repository.root, env });
    const result = JSON.parse(run.stdout) as ResultJson;
    expect(result.status).toBe('succeeded');
    const diff = result.results[0]?.details?.artifacts?.find((artifact) => artifact.kind === 'diff');
    expect(diff?.content).toContain('+from the fixture');
    // The worktree's change stays in its diff; the user's tree is untouched.
    expect(existsSync(join(repository.root, 'notes.txt'))).toBe(false);
    expect(run.stderr).toContain('note: worktree leaves start from HEAD');
  });

  it('--keep-worktrees keeps the leaf\'s worktree after the run, with the change in it', async () => {
    writeFileSync(join(repository.root, 'writer.json'), WRITER);
    writeFileSync(join(repository.root, 'writer.fixtures.yaml'), WRITE_AND_FINISH);
    const run = await runCliInMemory(['run', 'writer.json', '--provider', 'mock-model', '--fixtures', 'writer.fixtures.yaml', '--keep-worktrees', '--run-id', 'kept'], { cwd: repository.root, env });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(repository.root, '.whaleflow', 'worktrees', 'kept', 'write', 'notes.txt'), 'utf8')).toBe('from the fixture\n');
  });

  it('reports a bad model script with its position in the fixture file', async () => {
    writeFileSync(join(repository.root, 'writer.json'), WRITER);
    writeFileSync(join(repository.root, 'bad.yaml'), 'model:\n  rules:\n    - match: {leaf: write}\n      tool_cals: []\n');
    const run = await runCliInMemory(['run', 'writer.json', '--provider', 'mock-model', '--fixtures', 'bad.yaml'], { cwd: repository.root, env });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/bad\.yaml:4:7: .*tool_cals/);
    expect(readFileSync(join(repository.root, 'README.md'), 'utf8')).toBe('project\n');
  });
});
