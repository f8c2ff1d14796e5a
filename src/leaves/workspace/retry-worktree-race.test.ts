import { describe, expect, it } from 'vitest';
import { isWorktreeRace, retryWorktreeRace } from './retry-worktree-race.js';
import { WorkspaceError } from './workspace-errors.js';

// What git printed when two runs of one repository added worktrees at once (seen running four README main jobs together).
const raced = () => new WorkspaceError('git worktree failed', 'fatal: failed to read /repo/.git/worktrees/memo-tests1/commondir: Success');

describe('retryWorktreeRace', () => {
  it('runs the task again while git reports another process registering a worktree, backing off', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await retryWorktreeRace(
      async () => {
        calls += 1;
        if (calls < 3) throw raced();
        return 'added';
      },
      async (ms) => void waits.push(ms),
    );
    expect({ value, calls, waits }).toEqual({ value: 'added', calls: 3, waits: [20, 40] });
  });

  it('gives up after five attempts, with git\'s own message', async () => {
    let calls = 0;
    const attempt = retryWorktreeRace(
      async () => {
        calls += 1;
        throw raced();
      },
      async () => undefined,
    );
    await expect(attempt).rejects.toThrow(/commondir/);
    expect(calls).toBe(5);
  });

  it('does not retry any other failure', async () => {
    let calls = 0;
    const failure = new WorkspaceError('git worktree failed', "fatal: invalid reference: deadbeef");
    await expect(retryWorktreeRace(async () => {
      calls += 1;
      throw failure;
    }, async () => undefined)).rejects.toBe(failure);
    expect(calls).toBe(1);
    expect(isWorktreeRace(new Error('failed to read /repo/.git/worktrees/x/commondir'))).toBe(false);
    expect(isWorktreeRace(new WorkspaceError('git worktree failed', "fatal: Unable to create '/repo/.git/worktrees/x/index.lock': File exists."))).toBe(true);
  });
});
