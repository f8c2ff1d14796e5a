// A real-terminal test: `whaleflow tui` in tmux against a background run of a dogfood workflow
// (mock provider, a fixture that adds latency so it is still running). Polls with bounded
// deadlines; asserts on what the terminal shows and on pids, never on timings.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(repository, 'bin', 'whaleflow.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const isBuilt = existsSync(join(repository, 'dist', 'tui', 'start-tui.js'));
const session = `whaleflow-tui-${process.pid}`;

const SLOW_FIXTURE = `
defaults:
  latency_ms: 120000
leaves:
  - match: { id: correctness }
    latency_ms: 120000
    activity: [${Array.from({ length: 60 }, (_, index) => `tool call ${index}`).join(', ')}]
`;

function project(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-tui-e2e-'));
  copyFileSync(join(repository, 'workflows', 'review_fanout.yaml'), join(cwd, 'review_fanout.yaml'));
  writeFileSync(join(cwd, 'slow.fixtures.yaml'), SLOW_FIXTURE);
  return cwd;
}

function whaleflow(cwd: string, args: readonly string[]): string {
  return execFileSync(process.execPath, [entry, ...args], { cwd, encoding: 'utf8', env: { ...process.env, WHALEFLOW_HOME: '' } });
}

/** Starts a background run from a shell that exits at once, as a user closing the terminal would. */
function startBackground(cwd: string): { runId: string; pid: number } {
  const command = `cd '${cwd}' && '${process.execPath}' '${entry}' run review_fanout.yaml --fixtures slow.fixtures.yaml --background --json`;
  const output = execFileSync('bash', ['-c', command], { encoding: 'utf8', env: { ...process.env, WHALEFLOW_HOME: '' } });
  return JSON.parse(output) as { runId: string; pid: number };
}

function psStatus(cwd: string, runId: string): string | undefined {
  const runs = JSON.parse(whaleflow(cwd, ['ps', '--json'])) as { runId: string; status: string }[];
  return runs.find((run) => run.runId === runId)?.status;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The TUI has quit: its tmux session is gone, or its screen no longer shows it. The session may
 * end between the two questions (the TUI quitting is what ends it), so a capture that finds no
 * session counts as quit too, instead of failing the test on a loaded machine.
 */
function tuiHasQuit(): boolean {
  if (spawnSync('tmux', ['has-session', '-t', session]).status !== 0) return true;
  const capture = spawnSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
  return capture.status !== 0 || !capture.stdout.includes('WhaleFlow');
}

function screen(): string {
  return execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
}

function keys(...names: string[]): void {
  execFileSync('tmux', ['send-keys', '-t', session, ...names]);
}

async function until<T>(what: string, probe: () => T | undefined | false, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${hasTmux ? `\n--- screen ---\n${safeScreen()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function safeScreen(): string {
  try {
    return screen();
  } catch {
    return '(no tmux session)';
  }
}

const started: number[] = [];
afterAll(() => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

describe.skipIf(!hasTmux || !isBuilt)('whaleflow tui in a real terminal (tmux; needs `npm run build`)', () => {
  it('a background run survives its shell, the TUI shows it live, cancels a leaf, then the run, and replays it', async () => {
    const cwd = project();
    const run = startBackground(cwd);
    started.push(run.pid);
    const shortId = run.runId.slice(0, 8);
    // The shell that started it has exited; the run lives on and is visible to other processes.
    await until('the background run to show as running', () => psStatus(cwd, run.runId) === 'running');
    expect(isAlive(run.pid)).toBe(true);

    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '40', '-c', cwd, `WHALEFLOW_HOME= '${process.execPath}' '${entry}' tui`]);
    await until('the run list', () => screen().includes(shortId) && screen().includes('Running'));
    keys('Enter');
    await until('the run detail tree', () => screen().includes('reviewers') && screen().includes('correctness'));
    await until('a tool call as the last activity of the leaf', () => /correctness .*· tool call \d+/.test(screen()));

    // Cursor to `correctness` (the first leaf under `reviewers`), cancel it, confirm.
    keys('j');
    keys('x');
    await until('the y/n confirmation', () => screen().includes(`Cancel node correctness of run ${shortId}? (y/n)`));
    keys('y');
    await until('the leaf to stop', () => screen().includes('cancelled: whaleflow cancel correctness'));
    expect(psStatus(cwd, run.runId)).toBe('running');

    // Now the whole run: X, y. The run process ends and leaves nothing behind.
    keys('X');
    await until('the run confirmation', () => screen().includes(`Cancel run ${shortId}? (y/n)`));
    keys('y');
    await until('the run to end cancelled', () => psStatus(cwd, run.runId) === 'cancelled');
    await until('the run process to exit', () => !isAlive(run.pid));
    expect(() => process.kill(run.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));

    // r replays the finished run through `whaleflow replay` and shows the verdict.
    keys('r');
    await until('the replay verdict', () => /replay of [0-9a-f]{8}: parity: /.test(screen()) || /replay of [0-9a-f]{8} failed/.test(screen()), 60_000);
    // A run cancelled mid-leaf replays its recorded cancels, so the verdict is exact.
    expect(screen()).toMatch(/replay of [0-9a-f]{8}: parity: identical/);
    keys('q');
    await until('the TUI to quit', tuiHasQuit);
  });

  it('the selection follows the run: a run started above the selected one does not take the cursor of `x` and `e`', async () => {
    const cwd = project();
    const older = startBackground(cwd);
    started.push(older.pid);
    await until('the first run to be running', () => psStatus(cwd, older.runId) === 'running');
    execFileSync('tmux', ['new-session', '-d', '-s', `${session}-follow`, '-x', '160', '-y', '40', '-c', cwd, `WHALEFLOW_HOME= '${process.execPath}' '${entry}' tui`]);
    const followScreen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', `${session}-follow`], { encoding: 'utf8' });
    const olderShort = older.runId.slice(0, 8);
    try {
      await until('the first run selected in the list', () => followScreen().includes(`› ● ${olderShort}`));
      // A newer run starts while the user looks at the list: it sorts above the selected one.
      const newer = startBackground(cwd);
      started.push(newer.pid);
      const newerShort = newer.runId.slice(0, 8);
      await until('the newer run listed above the selected one', () => {
        const text = followScreen();
        return text.includes(newerShort) && text.indexOf(newerShort) < text.indexOf(olderShort) && text.includes(`› ● ${olderShort}`);
      });
      execFileSync('tmux', ['send-keys', '-t', `${session}-follow`, 'x']);
      await until('the confirmation naming the selected run', () => followScreen().includes(`Cancel run ${olderShort}? (y/n)`));
      execFileSync('tmux', ['send-keys', '-t', `${session}-follow`, 'n']);
      execFileSync('tmux', ['send-keys', '-t', `${session}-follow`, 'e']);
      await until('the export of the selected run', () => followScreen().includes(`${older.runId}.json`));
      expect(existsSync(join(cwd, '.whaleflow', 'exports', `${older.runId}.json`))).toBe(true);
      expect(existsSync(join(cwd, '.whaleflow', 'exports', `${newer.runId}.json`))).toBe(false);
      whaleflow(cwd, ['cancel', newer.runId]);
      whaleflow(cwd, ['cancel', older.runId]);
      await until('both runs to end', () => !isAlive(older.pid) && !isAlive(newer.pid));
    } finally {
      spawnSync('tmux', ['kill-session', '-t', `${session}-follow`]);
    }
  });

  it('a killed run (kill -9) shows as interrupted within a few seconds, with resume suggested', async () => {
    const cwd = project();
    const run = startBackground(cwd);
    started.push(run.pid);
    await until('the run to be running', () => psStatus(cwd, run.runId) === 'running');
    process.kill(run.pid, 'SIGKILL');
    await until('the run to show as interrupted', () => psStatus(cwd, run.runId) === 'interrupted', 15_000);
    expect(whaleflow(cwd, ['ps'])).toContain(`→ whaleflow resume ${run.runId.slice(0, 8)}`);
  });

  it('whaleflow cancel from another terminal stops a background run and leaves no process behind', async () => {
    const cwd = project();
    const run = startBackground(cwd);
    started.push(run.pid);
    await until('the run to be running', () => psStatus(cwd, run.runId) === 'running');
    expect(whaleflow(cwd, ['cancel', run.runId.slice(0, 8)])).toContain('cancel requested');
    await until('the run to end cancelled', () => psStatus(cwd, run.runId) === 'cancelled');
    await until('the run process to exit', () => !isAlive(run.pid));
    expect(() => process.kill(run.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
