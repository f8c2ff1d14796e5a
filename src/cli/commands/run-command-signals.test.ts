// Real `whaleflow` processes stopped the way users and service managers stop them: SIGTERM and
// SIGHUP act like Ctrl-C (the leaf's command dies, the run is recorded as cancelled, the exit
// status says which signal), and after kill -9 a resume removes the worktrees the crash left.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapForTests } from '../../leaves/testing/require-bubblewrap.js';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { runCliInMemory } from '../run-cli-in-memory.js';
import { isolatedUserEnvironment } from '../../util/testing/isolated-user-environment.js';

const cliEntry = fileURLToPath(new URL('../../runs/testing/cli-entry.ts', import.meta.url));
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;
const SANDBOXED = bubblewrapForTests();

/** A workflow whose one leaf's command announces itself, then would write the tree much later. */
function slowWriter(marker: string, isolation: 'shared' | 'worktree'): string {
  const command = `echo started > started.txt; sleep ${marker}; echo late > late.txt`;
  return JSON.stringify({
    id: 'slow',
    goal: 'a command that writes late',
    nodes: [{ kind: 'leaf', spec: { id: 'slow-writer', prompt: `Run: ${command}`, agent_type: 'verifier', mode: 'read_write', isolation, command } }],
  });
}

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startCli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { process: child, output: () => output, exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))) };
}

/** Waits for a condition the child brings about (a file appearing); the bound only keeps a broken run from hanging the suite. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, child: Child): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; output:\n${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function survivors(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`sleep ${marker}`) && !line.includes('ps -eo'));
}

function uniqueMarker(): string {
  return `${Math.floor(Math.random() * 1e6) + 1000}.${process.pid % 1000}`;
}

describe('stop signals and leftovers (real processes)', () => {
  let repository: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    repository = tempGitRepository({ 'README.md': 'project\n' });
    env = isolatedUserEnvironment(repository.root);
  });
  afterEach(() => repository.remove());

  const cases: [NodeJS.Signals, number, string[]][] = [
    ['SIGTERM', 143, []],
    ['SIGHUP', 129, []],
    ['SIGTERM', 143, ['--no-sandbox']],
  ];
  for (const [signal, exitCode, extra] of cases) {
    const flags = SANDBOXED ? extra : ['--no-sandbox'];
    it(`${signal}${flags.length > 0 ? ` (${flags.join(' ')})` : ''} stops the leaf's command, records the run cancelled and exits ${exitCode}`, async () => {
      const marker = uniqueMarker();
      writeFileSync(join(repository.root, 'slow.json'), slowWriter(marker, 'shared'));
      const child = startCli(repository.root, ['run', 'slow.json', '--provider', 'mock-model', '--allow-write-tree', ...flags], env);
      await waitFor(() => existsSync(join(repository.root, 'started.txt')), 'the command to start', child);
      child.process.kill(signal);
      const exit = await child.exited;
      expect(child.output()).toContain(`cancelling (${signal})`);
      expect(exit).toEqual({ code: exitCode, signal: null });
      // Nothing of the command is left to write the tree later.
      expect(survivors(marker)).toEqual([]);
      expect(existsSync(join(repository.root, 'late.txt'))).toBe(false);
      const ps = await runCliInMemory(['ps', '--json'], { cwd: repository.root, env });
      expect(JSON.parse(ps.stdout)[0]).toMatchObject({ status: 'cancelled' });
    }, 180_000);
  }

  it.skipIf(!SANDBOXED)('after kill -9, a resume removes the worktrees the crashed run left, and git forgets them', async () => {
    const marker = uniqueMarker();
    writeFileSync(join(repository.root, 'slow.json'), slowWriter(marker, 'worktree'));
    const child = startCli(repository.root, ['run', 'slow.json', '--provider', 'mock-model'], env);
    const worktrees = join(repository.root, '.whaleflow', 'worktrees');
    const started = () => existsSync(worktrees) && readdirSync(worktrees).some((run) => existsSync(join(worktrees, run, 'slow-writer', 'started.txt')));
    await waitFor(started, 'the worktree leaf to start', child);
    // The trace commits in batches: kill once the run is on record, as a crash mid-leaf would find it.
    const recorded = async () => JSON.parse((await runCliInMemory(['ps', '--json'], { cwd: repository.root, env })).stdout || '[]').length > 0;
    await waitFor(recorded, 'the run to be recorded', child);
    child.process.kill('SIGKILL');
    await child.exited;
    const [crashedRun] = readdirSync(worktrees).filter((entry) => entry !== '.gitignore');
    const crashedWorktree = join(worktrees, crashedRun!, 'slow-writer');
    expect(execFileSync('git', ['worktree', 'list'], { cwd: repository.root, encoding: 'utf8' })).toContain(crashedWorktree);

    // The fixed workflow finishes at once; the crash's worktree is of no use to anyone now.
    writeFileSync(join(repository.root, 'quick.json'), slowWriter('0', 'worktree'));
    const resumed = await runCliInMemory(['resume', 'last', '--provider', 'mock-model', '--file', 'quick.json', '--force'], { cwd: repository.root, env });
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('removed 1 worktree the interrupted run left');
    expect(existsSync(crashedWorktree)).toBe(false);
    expect(execFileSync('git', ['worktree', 'list'], { cwd: repository.root, encoding: 'utf8' })).not.toContain(crashedWorktree);
    expect(survivors(marker)).toEqual([]);
  }, 240_000);
});
