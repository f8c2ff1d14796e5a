import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../leaves/index.js';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { SqliteTraceStore } from '../../trace/index.js';
import { fakeRunEvents } from '../../trace/testing/fake-run-events.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

describe('whaleflow apply', () => {
  let repository: TempGitRepository;
  let databasePath: string;
  beforeEach(async () => {
    repository = tempGitRepository({ 'a.txt': 'one\ntwo\n' });
    databasePath = join(repository.root, '.whaleflow', 'test.db');
    // A real worktree diff, recorded as the artifact of leaf-1's effect.
    const workspace = await openWorkspace({ cwd: repository.root, isolation: 'worktree', runId: 'run-apply', leafId: 'leaf-1' });
    writeFileSync(join(workspace.root, 'a.txt'), 'one\nTWO\n');
    const { diff } = await workspace.close();
    const events = fakeRunEvents({ runId: 'run-apply', leafCount: 2 }).map((event) =>
      event.type === 'effect_completed' && event.scope.nodeId === 'leaf-1'
        ? { ...event, result: { ...event.result, artifacts: [{ kind: 'diff' as const, name: 'leaf-1.diff', content: diff! }] } }
        : event,
    );
    const store = new SqliteTraceStore(databasePath);
    store.appendEvents(events);
    store.close();
  });
  afterEach(() => repository.remove());

  const apply = (...args: string[]) => runCliInMemory(['apply', ...args, '--db', databasePath], { cwd: repository.root, env: {} });

  it('checks, prints and applies a leaf’s recorded diff to the working tree', async () => {
    const check = await apply('run-apply', 'leaf-1', '--check');
    expect(check).toMatchObject({ exitCode: 0, stdout: 'the diff of leaf "leaf-1" (run run-apply) applies cleanly (nothing changed)\n' });
    expect((await apply('last', 'leaf-1', '--print')).stdout).toContain('+TWO');
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
    const applied = await apply('run-apply', 'leaf-1');
    expect(applied).toMatchObject({ exitCode: 0, stdout: 'applied the diff of leaf "leaf-1" (run run-apply)\n' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\nTWO\n');
  });

  it('explains a diff that does not apply, a leaf without a diff and an unknown leaf', async () => {
    repository.write('a.txt', 'rewritten\n');
    const conflict = await apply('run-apply', 'leaf-1');
    expect(conflict.exitCode).not.toBe(0);
    expect(conflict.stderr).toMatch(/does not apply to the working tree \(nothing was changed\)/);
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('rewritten\n');
    expect((await apply('run-apply', 'leaf-0')).stderr).toMatch(/leaf "leaf-0" of run run-apply recorded no diff/);
    expect((await apply('run-apply', 'nope')).stderr).toMatch(/has no completed leaf "nope"/);
  });

  it('applies the diff a stopped leaf (cancelled mid-flight) left in a leaf_stopped event', async () => {
    const diff = (await apply('run-apply', 'leaf-1', '--print')).stdout;
    const store = new SqliteTraceStore(databasePath);
    store.appendEvents([{ type: 'leaf_stopped', runId: 'run-apply', at: Date.now(), nodeId: 'loser', iteration: 0, message: 'cancelled', artifacts: [{ kind: 'diff', name: 'loser.diff', content: diff }] }]);
    store.close();
    const applied = await apply('run-apply', 'loser');
    expect(applied).toMatchObject({ exitCode: 0, stdout: 'applied the diff of leaf "loser" (run run-apply)\n' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\nTWO\n');
  });
});
