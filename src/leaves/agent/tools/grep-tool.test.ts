import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../../testing/temp-git-repository.js';
import { isolatedUserEnvironment } from '../../../util/testing/isolated-user-environment.js';

const cliEntry = fileURLToPath(new URL('../../../runs/testing/cli-entry.ts', import.meta.url));
const tsxLoader = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/loader.mjs')).href;

const GREP_WORKFLOW = JSON.stringify({ id: 'grep', goal: 'grep with a hostile pattern', nodes: [{ kind: 'leaf', spec: { id: 'look', prompt: 'Find it' } }] });

function fixture(pattern: string): string {
  return `model:
  rules:
    - match: {leaf: look, turn: 0}
      tool_calls: [{name: grep, arguments: {pattern: ${JSON.stringify(pattern)}}}]
    - match: {leaf: look, turn: 1}
      tool_calls: [{name: finish, arguments: {summary: searched, status: succeeded}}]
`;
}

/** `length` letters drawn from `alphabet` by a fixed linear congruential sequence (the same text every run). */
function pseudoRandomLetters(alphabet: string, length: number): string {
  const letters: string[] = [];
  let state = 1;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fff_ffff;
    letters.push(alphabet[(state >> 16) % alphabet.length]!);
  }
  return letters.join('');
}

interface ChildRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real `whaleflow run` process; `whileRunning` may watch it and signal it. */
function runChild(cwd: string, args: readonly string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', tsxLoader, cliEntry, ...args], { cwd, env: isolatedUserEnvironment(cwd), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  whileRunning?.(child);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr })));
}

describe('grep with a model-chosen pattern (real whaleflow process)', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository({ 'notes.txt': `${'a'.repeat(5000)}!\n` });
    writeFileSync(join(repository.root, 'grep.json'), GREP_WORKFLOW);
  });
  afterEach(() => repository.remove());

  it('a catastrophic-backtracking pattern (a+)+$ answers at once instead of freezing the process', async () => {
    writeFileSync(join(repository.root, 'grep.fixtures.yaml'), fixture('(a+)+$'));
    // Before the fix, JavaScript's RegExp backtracked for ~2^5000 steps: this process never finished.
    const run = await runChild(repository.root, ['run', 'grep.json', '--provider', 'mock-model', '--fixtures', 'grep.fixtures.yaml', '--json']);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; results: { details?: { artifacts?: { kind: string; content: string }[] } }[] };
    expect(result.status).toBe('succeeded');
    const transcript = result.results[0]?.details?.artifacts?.find((artifact) => artifact.kind === 'transcript')?.content ?? '';
    expect(transcript).toContain('(no matches)');
  }, 120_000);

  it('Ctrl-C stops a long-running grep: the process exits 130 and reports the run cancelled', async () => {
    // The search must still be running when Ctrl-C comes, whatever the machine's load: it lasts
    // until the grep's own 20 s deadline. A match that never comes over text the engine cannot
    // skip: the pattern's 'c' and 'a' both occur (no literal prefilter rejects the line), and
    // random a/b text keeps ~450 threads alive per character, which is too many states for
    // re2js's DFA, so its NFA runs at ~30 µs a character: ~1 min for these 2 MB on an idle machine.
    // (A uniform text, as this test once used, took the DFA ~1 s: the signal then raced the
    // grep's end, and a run already finished died of the SIGINT or exited 0.)
    writeFileSync(join(repository.root, 'big.txt'), `c${pseudoRandomLetters('ab', 2 * 1024 * 1024)}\n`);
    writeFileSync(join(repository.root, 'grep.fixtures.yaml'), fixture('a[ab]{900}c'));
    let interruptedDuringGrep = false;
    const run = await runChild(repository.root, ['run', 'grep.json', '--provider', 'mock-model', '--fixtures', 'grep.fixtures.yaml'], (child) => {
      const databasePath = join(repository.root, '.whaleflow', 'whaleflow.db');
      const poll = setInterval(() => {
        if (!existsSync(databasePath)) return;
        const database = new Database(databasePath, { readonly: true, fileMustExist: true });
        try {
          const started = database.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'activity' AND payload LIKE '%grep /%'").get() as { n: number };
          if (started.n > 0) {
            clearInterval(poll);
            interruptedDuringGrep = true;
            child.kill('SIGINT');
          }
        } catch {
          // not migrated yet
        } finally {
          database.close();
        }
      }, 100);
      child.on('close', () => clearInterval(poll));
    });
    expect(interruptedDuringGrep).toBe(true);
    expect(run.exitCode).toBe(130);
    expect(run.stdout).toMatch(/run cancelled/);
  }, 120_000);
});
