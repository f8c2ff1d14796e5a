import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { CHECKOUTS_DIRECTORY, WorkerCheckouts } from './worker-checkouts.js';

/** A pid no process has: above the kernel's largest. */
const DEAD_PID = 4_194_321;

describe("WorkerCheckouts: a worker's checkouts of base commits, removed with their last user and never anything else", () => {
  let repository: TempGitRepository | undefined;
  afterEach(() => repository?.remove());

  function twoCommits(): { repository: TempGitRepository; first: string; second: string } {
    repository = tempGitRepository({ 'marker.txt': 'first\n' });
    const first = repository.git('rev-parse', 'HEAD').trim();
    repository.write('marker.txt', 'second\n');
    repository.git('commit', '--quiet', '--no-gpg-sign', '-am', 'second');
    return { repository, first, second: repository.git('rev-parse', 'HEAD').trim() };
  }

  const worktreeCount = (repo: TempGitRepository): number => repo.git('worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree ')).length;

  it('checks a commit out once for all its users and removes it (and its registration) when the last lets go', async () => {
    const { repository, first, second } = twoCommits();
    const checkouts = await WorkerCheckouts.open(repository.root, 'a1b2c3');
    const path = await checkouts.acquire(first);
    expect(await checkouts.acquire(first)).toBe(path);
    expect(path).toBe(join(checkouts.root, first));
    expect(existsSync(join(path, 'marker.txt'))).toBe(true);
    const other = await checkouts.acquire(second);
    expect(worktreeCount(repository)).toBe(3);
    await checkouts.release(first);
    expect(existsSync(path)).toBe(true); // one user left
    await checkouts.release(first);
    expect(existsSync(path)).toBe(false);
    expect(worktreeCount(repository)).toBe(2);
    expect(checkouts.commits()).toEqual([second]);
    await checkouts.close();
    expect(existsSync(other)).toBe(false);
    expect(existsSync(checkouts.root)).toBe(false);
    expect(worktreeCount(repository)).toBe(1);
    expect(repository.git('status', '--porcelain')).toBe('');
  });

  it('a worker that never checked anything out leaves no trace in the clone', async () => {
    const { repository } = twoCommits();
    const checkouts = await WorkerCheckouts.open(repository.root, 'a1b2c3');
    await checkouts.close();
    expect(existsSync(join(repository.root, '.whaleflow'))).toBe(false);
    expect(repository.git('status', '--porcelain')).toBe('');
  });

  it('a leaf worktree made inside a checkout goes with it', async () => {
    const { repository, first } = twoCommits();
    const checkouts = await WorkerCheckouts.open(repository.root, 'a1b2c3');
    const path = await checkouts.acquire(first);
    const nested = join(path, '.whaleflow', 'worktrees', 'run-1', 'leaf');
    repository.git('-C', path, 'worktree', 'add', '--detach', '--quiet', nested, first);
    expect(worktreeCount(repository)).toBe(3);
    await checkouts.release(first);
    expect(existsSync(path)).toBe(false);
    expect(worktreeCount(repository)).toBe(1);
    await checkouts.close();
  });

  it('refuses anything but a commit id as a checkout name, and a commit the clone lacks, naming what to do', async () => {
    const { repository } = twoCommits();
    const outside = join(repository.root, 'keep');
    mkdirSync(outside);
    writeFileSync(join(outside, 'file'), 'keep me\n');
    const checkouts = await WorkerCheckouts.open(repository.root, 'a1b2c3');
    for (const forged of ['../../keep', '../../../keep', '/tmp', `${'a'.repeat(40)}/../../../keep`, '.', '']) {
      await expect(checkouts.acquire(forged)).rejects.toThrow(/is not a commit id/);
      await checkouts.release(forged);
    }
    await expect(checkouts.acquire('f'.repeat(40))).rejects.toThrow(/is not in .*fetch it there, or start the worker with --repo/);
    await checkouts.close();
    expect(existsSync(join(outside, 'file'))).toBe(true);
    expect(checkouts.commits()).toEqual([]);
  });

  it("removes a dead worker's directory of this host on start; keeps a live one's, another host's and anything not a worker's", async () => {
    const { repository, first } = twoCommits();
    const parent = join(repository.root, CHECKOUTS_DIRECTORY);
    const leftBehind = join(parent, 'w-4194321-0a0b0c');
    repository.git('worktree', 'add', '--detach', '--quiet', join(leftBehind, first), first);
    writeFileSync(join(leftBehind, 'owner.json'), JSON.stringify({ host: hostname(), pid: DEAD_PID }));
    const live = join(parent, `w-${process.pid}-0d0e0f`);
    mkdirSync(live, { recursive: true });
    writeFileSync(join(live, 'owner.json'), JSON.stringify({ host: hostname(), pid: process.pid }));
    const elsewhere = join(parent, 'w-4194322-0a0b0d');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'owner.json'), JSON.stringify({ host: `not-${hostname()}`, pid: 4_194_322 }));
    const notAWorker = join(parent, 'someones-data');
    mkdirSync(notAWorker, { recursive: true });
    const unowned = join(parent, 'w-4194323-0a0b0e'); // a worker's name, no owner file: not provably abandoned
    mkdirSync(unowned, { recursive: true });
    const checkouts = await WorkerCheckouts.open(repository.root, 'a1b2c3');
    expect(existsSync(leftBehind)).toBe(false);
    expect(worktreeCount(repository)).toBe(1);
    for (const kept of [live, elsewhere, notAWorker, unowned]) expect(existsSync(kept)).toBe(true);
    await checkouts.close();
  });
});
