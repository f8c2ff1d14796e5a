import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bubblewrapForTests } from '../leaves/testing/require-bubblewrap.js';

/**
 * The README's main job, run exactly as a user runs it: `npm start` in a fresh checkout of this
 * repository (its tracked and unignored files, committed in a new git repository), with the
 * dependencies and the build of this one in place of what `npm ci` would make there. Real
 * processes, the real bubblewrap sandbox, real git worktrees and WhaleFlow's own memo tests.
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Finished {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function npmStart(cwd: string, env: NodeJS.ProcessEnv, extra: readonly string[] = []): Promise<Finished> {
  const child = spawn('npm', ['start', '--silent', ...(extra.length > 0 ? ['--', ...extra] : [])], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr })));
}

/**
 * What `npm ci` / `npm run build` would have made, without making it again: hard links of the
 * project's tree where it can (same file system), else a real directory whose entries are
 * symlinks to the project's. Hard links matter when the project itself lives under /tmp: the
 * sandbox gives each command a private /tmp, where a symlink into the project would dangle.
 */
function linkEntries(from: string, to: string): void {
  try {
    execFileSync('cp', ['-al', `${realpathSync(from)}/.`, to], { stdio: 'ignore' });
    return;
  } catch {
    rmSync(to, { recursive: true, force: true }); // another file system: symlinks
  }
  mkdirSync(to);
  for (const entry of readdirSync(from)) symlinkSync(join(from, entry), join(to, entry));
}

function freshClone(): string {
  const root = mkdtempSync(join(tmpdir(), 'whaleflow-main-job-'));
  const clone = join(root, 'whaleflow');
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: projectRoot, encoding: 'utf8' }).split('\0')
    // What npm ci and the build make is linked below, whatever form it has here (a symlinked node_modules is not ignored by "node_modules/").
    .filter((file) => file !== '' && !/^(node_modules|dist)(\/|$)/.test(file));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    try {
      cpSync(join(projectRoot, file), join(clone, file));
    } catch {
      // a file listed by git but deleted in the working tree
    }
  }
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: clone, stdio: 'ignore' });
  git('init', '--quiet');
  git('add', '--all');
  git('-c', 'user.name=WhaleFlow test', '-c', 'user.email=test@whaleflow.invalid', 'commit', '--quiet', '--no-verify', '-m', 'fresh clone');
  linkEntries(join(projectRoot, 'node_modules'), join(clone, 'node_modules'));
  linkEntries(join(projectRoot, 'dist'), join(clone, 'dist'));
  return clone;
}

/** A user's environment with nothing of ours in it: no configuration, no WhaleFlow variables. */
function userEnvironment(home: string, path: string): NodeJS.ProcessEnv {
  return { PATH: path, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'C.UTF-8', npm_config_update_notifier: 'false', npm_config_fund: 'false' };
}

describe('the README main job (npm start)', () => {
  let clone: string;
  let home: string;
  beforeAll(() => {
    clone = freshClone();
    home = mkdtempSync(join(tmpdir(), 'whaleflow-main-job-home-'));
  });
  afterAll(() => {
    if (clone) rmSync(dirname(clone), { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it.skipIf(!bubblewrapForTests())(
    'runs the dogfood with the real leaves and the scripted mock model in the sandbox: memo hits, tool calls, worktree diffs, the real memo tests failing then passing',
    async () => {
      const policyBefore = readFileSync(join(clone, 'src/memo/memo-policy.ts'), 'utf8');
      const run = await npmStart(clone, userEnvironment(home, process.env.PATH ?? ''));
      expect(run.stderr).not.toMatch(/Error:|at .*\.js:\d+/);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/sandbox: bubblewrap/);
      // The first refinement's change really fails WhaleFlow's memo tests; the second really passes them.
      expect(run.stdout).toMatch(/memo-tests failed .*exited with 1/);
      expect(run.stdout).toMatch(/memo-tests \(iteration 2\) succeeded/);
      expect(run.stdout).toMatch(/✓ memo-tests \(leaf\) succeeded · test exit 0/);
      expect(run.stdout).toMatch(/✓ draft-memo-change \(leaf\) succeeded · \d+ tool calls · diff \+\d+ −\d+ in 1 file/);
      expect(run.stdout).toMatch(/✓ refine-memo-change \(leaf\) succeeded · \d+ tool calls · memo \d+ hits? · diff/);
      expect(run.stdout).toMatch(/✓ pick-change \(tournament\) succeeded → refine-memo-change/);
      const total = /run \S+: succeeded in .* · (\d+) memo hits · (\d+) tool calls · (\d+) worktree diffs · tests 1\/1 passed/.exec(run.stdout);
      expect(total, run.stdout).not.toBeNull();
      expect(Number(total![1])).toBeGreaterThan(0);
      expect(Number(total![2])).toBeGreaterThan(0);
      expect(Number(total![3])).toBe(2);
      // The user's tree is untouched: every change stayed in its worktree (and is recorded in the trace).
      expect(readFileSync(join(clone, 'src/memo/memo-policy.ts'), 'utf8')).toBe(policyBefore);
      expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
      expect(execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: clone, encoding: 'utf8' }).match(/^worktree /gm)).toHaveLength(1);
    },
    240_000,
  );

  it('without bubblewrap, npm start is refused before anything runs and says what to do', async () => {
    // A PATH with node, npm and git but no bwrap: the run probes bwrap on its own PATH.
    const bin = mkdtempSync(join(tmpdir(), 'whaleflow-main-job-nobwrap-'));
    try {
      for (const tool of ['node', 'npm', 'git', 'sh']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
      const refused = await npmStart(clone, userEnvironment(home, bin));
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/bwrap is not installed: install bubblewrap \(Debian\/Ubuntu: apt-get install bubblewrap\)/);
      expect(refused.stderr).toContain('npm start -- --no-sandbox');
      expect(refused.stderr).toContain('not started');
      expect(refused.stdout).not.toMatch(/\[1\/\d+\]/); // no leaf started
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }, 60_000);
});
