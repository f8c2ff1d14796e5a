import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapForTests } from '../../leaves/testing/require-bubblewrap.js';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

const cliEntry = fileURLToPath(new URL('../../runs/testing/cli-entry.ts', import.meta.url));
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

/** A test leaf whose command writes the working tree. */
const WRITING_TEST = JSON.stringify({
  id: 'writes',
  goal: 'a test command that writes',
  nodes: [{ kind: 'leaf', spec: { id: 'check', prompt: 'Run test command: echo pwned > a.txt', agent_type: 'verifier', command: 'echo pwned > a.txt' } }],
});

function runChild(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr })));
}

describe('whaleflow run: leaf commands and the sandbox', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    repository = tempGitRepository({ 'a.txt': 'one\n' });
    writeFileSync(join(repository.root, 'writes.json'), WRITING_TEST);
    env = isolatedUserEnvironment(repository.root);
  });
  afterEach(() => repository.remove());

  it.skipIf(!bubblewrapForTests())('--read-only really is read-only for commands: a test command cannot write the tree, and the pre-flight names the sandbox', async () => {
    const run = await runCliInMemory(['run', 'writes.json', '--provider', 'mock-model', '--read-only'], { cwd: repository.root, env });
    expect(run.stdout).toContain('grant: read-only');
    expect(run.stdout).toMatch(/sandbox: bubblewrap/);
    expect(run.exitCode).toBe(1); // the command failed: it could not write
    expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\n');
  });

  it('without bwrap, a workflow with commands is refused unless --no-sandbox, which the pre-flight prints', async () => {
    // A PATH with git but no bwrap: the child probes bwrap on its own PATH.
    const bin = mkdtempSync(join(tmpdir(), 'whaleflow-nobwrap-'));
    try {
      symlinkSync('/usr/bin/git', join(bin, 'git'));
      const childEnv = { ...env, PATH: bin };
      const refused = await runChild(repository.root, ['run', 'writes.json', '--provider', 'mock-model'], childEnv);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/leaf commands run in a bubblewrap sandbox, but bwrap is not installed: install bubblewrap .* or pass --no-sandbox/);
      expect(refused.stderr).toContain('not started');
      expect(readFileSync(join(repository.root, 'a.txt'), 'utf8')).toBe('one\n');

      const unconfined = await runChild(repository.root, ['run', 'writes.json', '--provider', 'mock-model', '--no-sandbox', '--allow-write-tree'], childEnv);
      expect(unconfined.stdout).toContain('sandbox: NONE (--no-sandbox)');
      expect(unconfined.exitCode).toBe(0);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 120_000);
});
