import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStartOf, RunLockHeldError, RunLocks, runLockKey, type RunLocksOptions } from './run-locks.js';

/** Two handles on one database file, as two processes would have. */
function twoProcesses(first: RunLocksOptions, second: RunLocksOptions): [RunLocks, RunLocks, Database.Database] {
  const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-locks-')), 'whaleflow.db');
  const one = new Database(path);
  const two = new Database(path);
  return [new RunLocks(one, { host: 'here', now: () => 1_700_000_000_000, ...first }), new RunLocks(two, { host: 'here', now: () => 1_700_000_000_000, ...second }), one];
}

const ALIVE = { isPidAlive: () => true, processStart: (pid: number) => `start-of-${pid}` };

describe('RunLocks', () => {
  it('lets one holder at a time take a key; the second is refused, naming the first', () => {
    const [resume, other] = twoProcesses({ pid: 100, ...ALIVE }, { pid: 200, ...ALIVE });
    const lock = resume.acquire(runLockKey('abc'), 'resume', { detail: 'as run def' });
    expect(() => other.acquire(runLockKey('abc'), 'resume')).toThrow(RunLockHeldError);
    expect(() => other.acquire(runLockKey('abc'), 'janitor')).toThrow('run abc is being resumed by pid 100 (as run def) since 2023-11-14T22:13:20.000Z; wait for it to finish (whaleflow ps), or stop it first');
    expect(other.holder(runLockKey('abc'))).toMatchObject({ pid: 100, purpose: 'resume' });
    lock.release();
    const taken = other.acquire(runLockKey('abc'), 'janitor');
    expect(() => resume.acquire(runLockKey('abc'), 'resume')).toThrow('run abc is held by janitor by pid 200');
    taken.release();
  });

  it('a lock dies with its process: a dead pid, or a pid reused by another process, is taken over', () => {
    const [crashed, next] = twoProcesses({ pid: 100, ...ALIVE }, { pid: 200, isPidAlive: (pid) => pid !== 100, processStart: (pid) => `start-of-${pid}` });
    crashed.acquire('k', 'resume');
    expect(next.acquire('k', 'resume').key).toBe('k');

    const [old, reused] = twoProcesses({ pid: 300, ...ALIVE }, { pid: 400, isPidAlive: () => true, processStart: (pid) => (pid === 300 ? 'a later process' : `start-of-${pid}`) });
    old.acquire('k', 'resume');
    expect(() => reused.acquire('k', 'resume')).not.toThrow();
  });

  it('a holder on another host cannot be checked, so it holds until --force', () => {
    const [there, here] = twoProcesses({ pid: 100, host: 'there', ...ALIVE }, { pid: 100, host: 'here', isPidAlive: () => false });
    there.acquire('run:x', 'resume');
    expect(() => here.acquire('run:x', 'resume')).toThrow('run x is being resumed by pid 100 on host there');
    expect(() => here.acquire('run:x', 'resume')).toThrow('pass --force');
    expect(here.acquire('run:x', 'resume', { force: true }).key).toBe('run:x');
  });

  it('release removes only its own row, once', () => {
    const [first, second, database] = twoProcesses({ pid: 100, ...ALIVE }, { pid: 200, isPidAlive: (pid) => pid !== 100 });
    const stale = first.acquire('k', 'resume');
    const live = second.acquire('k', 'resume'); // took over the dead holder's row
    stale.release();
    expect(database.prepare('SELECT pid FROM run_locks').all()).toEqual([{ pid: 200 }]);
    live.release();
    live.release();
    expect(database.prepare('SELECT COUNT(*) AS n FROM run_locks').get()).toEqual({ n: 0 });
  });

  it('reads this process\'s own start time on Linux, and none for a pid that does not exist', () => {
    if (process.platform === 'linux') expect(processStartOf(process.pid)).toMatch(/^\d+$/);
    expect(processStartOf(2 ** 31 - 1)).toBeNull();
  });
});
