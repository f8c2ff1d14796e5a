import { join } from 'node:path';
import { expect } from 'vitest';
import { runCliInMemory } from '../../cli/run-cli-in-memory.js';
import { openProjectMemoryStore } from '../open-project-memory.js';

/** Clears the project's memory store (asserting it held texts) and replays `runId`: identical, zero live calls. */
export async function expectIdenticalReplayAfterClearingMemory(root: string, runId: string, env: NodeJS.ProcessEnv): Promise<void> {
  const store = openProjectMemoryStore({ databasePath: join(root, '.whaleflow', 'whaleflow.db'), cwd: root });
  try {
    expect(store.clear(undefined, { force: true }).texts).toBeGreaterThan(0);
    expect(store.list()).toEqual([]);
  } finally {
    store.close();
  }
  const replay = await runCliInMemory(['replay', runId], { cwd: root, env });
  expect(replay.stdout).toContain('ran 0 live');
  expect(replay.stdout).toContain('parity: identical');
  expect(replay.exitCode).toBe(0);
}
