import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliInMemory } from '../cli/run-cli-in-memory.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { isolatedUserEnvironment } from '../util/testing/isolated-user-environment.js';

/**
 * A writer that declares no isolation: under the default grant (no --allow-write-tree) it is
 * isolated in a worktree by the grant, which its result records as `isolation: worktree`.
 */
const WRITERS = JSON.stringify({
  id: 'writers',
  goal: 'write notes, then check them',
  nodes: [
    { kind: 'leaf', spec: { id: 'write', prompt: 'Write notes.txt', mode: 'read_write' } },
    { kind: 'leaf', spec: { id: 'read', prompt: 'Summarise the notes', depends_on_results: ['write'] } },
  ],
});

/** The real tool loop against the scripted mock model: write notes.txt, then finish. */
const FIXTURE = `model:
  rules:
    - match: {leaf: write, turn: 0}
      tool_calls: [{name: write_file, arguments: {path: notes.txt, content: "from the model\\n"}}]
    - match: {leaf: write, turn: 1}
      tool_calls: [{name: finish, arguments: {summary: wrote notes, status: succeeded}}]
`;

interface ResultJson {
  readonly status: string;
  readonly results: { id: string; status: string; details?: { isolation?: string; artifacts?: { kind: string }[] } }[];
}

describe('replay of a worktree writer (real git repository, real leaves, scripted model)', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    repository = tempGitRepository({ 'README.md': 'project\n' });
    env = isolatedUserEnvironment(repository.root);
    writeFileSync(join(repository.root, 'writers.json'), WRITERS);
    writeFileSync(join(repository.root, 'model.yaml'), FIXTURE);
  });
  afterEach(() => repository.remove());

  it('a read_write leaf isolated by the default grant replays identical, with zero live calls', async () => {
    const live = await runCliInMemory(['run', 'writers.json', '--provider', 'mock-model', '--fixtures', 'model.yaml', '--json'], { cwd: repository.root, env });
    expect(live.exitCode).toBe(0);
    const result = JSON.parse(live.stdout) as ResultJson;
    const writer = result.results.find((node) => node.id === 'write')!;
    // The grant isolated it: the live result says so, and its diff is the artifact.
    expect(writer.details?.isolation).toBe('worktree');
    expect(writer.details?.artifacts?.map((artifact) => artifact.kind)).toContain('diff');

    const replay = await runCliInMemory(['replay', 'last', '--json'], { cwd: repository.root, env });
    const outcome = JSON.parse(replay.stdout) as { parity: { identical: boolean; detail?: string }; liveCalls: Record<string, number>; result: ResultJson };
    expect(outcome.parity).toEqual({ identical: true });
    expect(Object.values(outcome.liveCalls).every((count) => count === 0)).toBe(true);
    expect(outcome.result.results.find((node) => node.id === 'write')?.details?.isolation).toBe('worktree');
    expect(replay.exitCode).toBe(0);
  });

  it('a run with --allow-write-tree (the writer in the working tree) replays identical too: replay uses the recorded grant', async () => {
    const live = await runCliInMemory(['run', 'writers.json', '--provider', 'mock-model', '--fixtures', 'model.yaml', '--allow-write-tree', '--json'], { cwd: repository.root, env });
    expect(live.exitCode).toBe(0);
    expect((JSON.parse(live.stdout) as ResultJson).results.find((node) => node.id === 'write')?.details?.isolation).toBeUndefined();
    const replay = await runCliInMemory(['replay', 'last'], { cwd: repository.root, env });
    expect(replay.stdout).toContain('parity: identical');
    expect(replay.exitCode).toBe(0);
  });
});

describe('replay runs under the recorded grant (the class: facts of a result that come from the grant, not from an effect)', () => {
  it('a model-written writer refused under --read-only replays identical instead of asking for effects that never ran', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-replay-grant-'));
    writeFileSync(
      join(directory, 'expand.json'),
      JSON.stringify({ id: 'wf', goal: 'g', nodes: [{ kind: 'expand', spec: { id: 'e', source: 'split the work', max_children: 3, template: { kind: 'leaf', spec: { id: 'item', prompt: 'do' } } } }] }),
    );
    const plan = JSON.stringify([
      { kind: 'leaf', spec: { id: 'reader', prompt: 'read' } },
      { kind: 'leaf', spec: { id: 'writer', prompt: 'write', mode: 'read_write' } },
    ]);
    writeFileSync(join(directory, 'planner.yaml'), `expand:\n  - match: {node: e}\n    replies: [${JSON.stringify(plan)}]\n`);
    const live = await runCliInMemory(['run', 'expand.json', '--fixtures', 'planner.yaml', '--read-only'], { cwd: directory, env: {} });
    expect(live.stdout).toContain('writes files, but the run is read-only');
    const replay = await runCliInMemory(['replay', 'last'], { cwd: directory, env: {} });
    expect(replay.stdout).not.toContain('determinism violation');
    expect(replay.stdout).toContain('parity: identical');
  });
});

