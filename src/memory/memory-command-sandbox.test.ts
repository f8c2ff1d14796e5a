import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemoryLoadRequest } from '../engine/index.js';
import { bubblewrapForTests } from '../leaves/testing/require-bubblewrap.js';
import { tempGitRepository, type TempGitRepository } from '../leaves/testing/temp-git-repository.js';
import { readSource, type LoadSettings } from './load-context.js';

function commandRequest(command: string): MemoryLoadRequest {
  return { runId: 'run-1', nodeId: 'log', name: 'log', source: { command }, fileScope: [], allowNetwork: false };
}

describe.skipIf(!bubblewrapForTests())("a memory context's command runs in the bubblewrap sandbox (real bwrap)", () => {
  let repository: TempGitRepository;
  let settings: LoadSettings;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\n' });
    repository.write('.whaleflow/whaleflow.db', 'SQLite format 3 precious');
    settings = {
      root: repository.root,
      env: { PATH: process.env.PATH, HOME: join(repository.root, 'home'), OPENAI_API_KEY: 'sk-live-secret' },
      maxBytes: 1 << 20,
      commandTimeoutMs: 30_000,
      stateDirectory: join(repository.root, '.whaleflow'),
    };
  });
  afterEach(() => repository.remove());

  it('reads the tree and prints what it is asked', async () => {
    const loaded = await readSource(commandRequest('cat a.txt'), settings, new AbortController().signal);
    expect(loaded.text).toBe('one\n');
  });

  it('cannot write the tree: loading only reads', async () => {
    await expect(readSource(commandRequest('echo pwned > written.txt'), settings, new AbortController().signal)).rejects.toThrow(/exited with/);
    expect(existsSync(join(repository.root, 'written.txt'))).toBe(false);
  });

  it("cannot read WhaleFlow's state, and gets no credential from the environment", async () => {
    const loaded = await readSource(commandRequest('cat .whaleflow/whaleflow.db 2>/dev/null; echo "key=${OPENAI_API_KEY:-none}"'), settings, new AbortController().signal);
    expect(loaded.text).not.toContain('precious');
    expect(loaded.text).toContain('key=none');
  });
});
