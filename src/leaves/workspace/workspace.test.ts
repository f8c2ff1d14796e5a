import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';
import { applyDiff } from './apply-diff.js';
import { openWorkspace } from './workspace.js';
import { DiffDoesNotApplyError, WorkspaceError } from './workspace-errors.js';

describe('worktree workspaces', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\ntwo\n', 'src/b.txt': 'bee\n' });
  });
  afterEach(() => repository.remove());

  it('works at HEAD in its own worktree, captures modified and new files, then removes the worktree', async () => {
    repository.write('uncommitted.txt', 'not carried over\n');
    const workspace = await openWorkspace({ cwd: repository.root, isolation: 'worktree', runId: 'run/1', leafId: 'leaf a' });
    expect(workspace.root).toContain(join('.whaleflow', 'worktrees', 'run_1', 'leaf_a'));
    expect(existsSync(join(workspace.root, 'uncommitted.txt'))).toBe(false);
    writeFileSync(join(workspace.root, 'a.txt'), 'one\nTWO\n');
    writeFileSync(join(workspace.root, 'new.txt'), 'fresh\n');
    const outcome = await workspace.close();
    expect(outcome.diff).toContain('-two');
    expect(outcome.diff).toContain('+TWO');
    expect(outcome.diff).toContain('new file mode');
    expect(outcome.diff).toContain('+fresh');
    expect(existsSync(workspace.root)).toBe(false);
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(repository.git('status', '--porcelain')).toBe('?? uncommitted.txt\n');
    expect(repository.git('worktree', 'list')).not.toContain('worktrees');
  });

  it('keeps the worktree when asked', async () => {
    const workspace = await openWorkspace({ cwd: repository.root, isolation: 'worktree', runId: 'r', leafId: 'l', keepWorktree: true });
    const outcome = await workspace.close();
    expect(outcome.keptAt).toBeDefined();
    expect(existsSync(workspace.root)).toBe(true);
    expect(outcome.diff).toBe('');
  });

  it('refuses a worktree outside a git repository', async () => {
    const workspace = openWorkspace({ cwd: '/', isolation: 'worktree', runId: 'r', leafId: 'l' });
    await expect(workspace).rejects.toBeInstanceOf(WorkspaceError);
  });

  it('applies a captured diff to the working tree, and refuses one that does not apply without changing anything', async () => {
    const workspace = await openWorkspace({ cwd: repository.root, isolation: 'worktree', runId: 'r', leafId: 'l' });
    writeFileSync(join(workspace.root, 'a.txt'), 'one\nTWO\n');
    writeFileSync(join(workspace.root, 'src', 'c.txt'), 'sea\n');
    const { diff } = await workspace.close();
    expect(await applyDiff(join(repository.root, 'src'), diff!, { checkOnly: true })).toEqual({ applied: false, method: 'check' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(await applyDiff(join(repository.root, 'src'), diff!)).toEqual({ applied: true, method: 'plain' });
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\nTWO\n');
    expect(readFileSync(join(repository.root, 'src', 'c.txt'), 'utf8')).toBe('sea\n');
    repository.write('a.txt', 'completely different\n');
    repository.write('src/c.txt', 'x\n');
    await expect(applyDiff(repository.root, diff!)).rejects.toBeInstanceOf(DiffDoesNotApplyError);
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('completely different\n');
  });
});

describe('parallel worktrees', () => {
  it('twelve leaves of one repository open, write and close worktrees at once without racing git', async () => {
    const repository = tempGitRepository({ 'a.txt': 'a\n' });
    try {
      const diffs = await Promise.all(
        Array.from({ length: 12 }, async (_, index) => {
          const workspace = await openWorkspace({ cwd: repository.root, isolation: 'worktree', runId: 'r', leafId: `leaf-${index}` });
          writeFileSync(join(workspace.root, 'a.txt'), `a${index}\n`);
          return (await workspace.close()).diff;
        }),
      );
      diffs.forEach((diff, index) => expect(diff).toContain(`+a${index}\n`));
      expect(repository.git('worktree', 'list').trim().split('\n')).toHaveLength(1);
    } finally {
      repository.remove();
    }
  });
});
