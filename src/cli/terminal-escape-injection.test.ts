// Terminal escape injection: text a run produced (a leaf's output, its tool-call activity, a
// provider's or command's error message, node ids a planner model wrote through `expand`) is
// untrusted. Every surface that prints it — run progress and summary, ps, inspect, report,
// replay, export, the TUI — shows control sequences as visible escapes instead of sending
// them to the terminal. Real `whaleflow` processes; the TUI and the live progress block in a
// real terminal (tmux), where an executed OSC 0 would change the pane title and an executed
// OSC 52 would fill a tmux paste buffer.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessOutcome } from './testing/whaleflow-process.js';
import { sha256Hex } from '../util/index.js';
import { runCliInMemory } from './run-cli-in-memory.js';
import { runWhaleflowProcess, whaleflowCommand } from './testing/whaleflow-process.js';

/** What a hostile model writes: set the title, write the clipboard, clear the screen, ring, C1 CSI/OSC, bidi, CR overwrite. */
const HOSTILE = [
  'title\x1b]0;PWNED-TITLE\x07',
  'clipboard\x1b]52;c;cHduZWQtY2xpcGJvYXJk\x1b\\',
  'clear\x1b[2J\x1b[H',
  'bell\x07',
  'c1csi\u009b31m',
  'c1osc\u009d2;PWNED-C1\u009c',
  'bidi \u202eexe.txt\u202c',
  'shown\rHIDDEN',
].join(' ');
/** The hostile text as it must appear once escaped (a fragment of it). */
const ESCAPED_FRAGMENT = '\\x1b]52;c;cHduZWQtY2xpcGJvYXJk';

/** The leaf's output: the hostile text around a long middle, past the trace's blob threshold (8 KiB). */
const ECHO_OUTPUT = `before ${HOSTILE} ${'filler '.repeat(1500)} ${HOSTILE} after`;

const WORKFLOW = {
  id: 'hostile-output',
  goal: 'print what a model wrote',
  nodes: [
    { kind: 'leaf', spec: { id: 'echo', prompt: 'Say something.' } },
    { kind: 'leaf', spec: { id: 'broken', prompt: 'Fail.' } },
    { kind: 'expand', spec: { id: 'plan', source: 'split the work', max_children: 2, template: { kind: 'leaf', spec: { id: 'item', prompt: 'do a part' } } } },
  ],
};

/** Mock fixture (JSON is YAML): the leaf's output and activity, a failure message and a planner's node ids carry HOSTILE. */
function fixture(latencyMs: number): unknown {
  return {
    leaves: [
      { match: { id: 'echo' }, output: ECHO_OUTPUT, activity: [`read ${HOSTILE}`], latency_ms: latencyMs },
      { match: { id: 'broken' }, failure: { kind: 'terminal', message: `provider said: ${HOSTILE}` } },
      // The planner's leaf is the slowest when echo is instant, so ps names it.
      { match: { prompt: 'planned part' }, latency_ms: latencyMs === 0 ? 500 : 0 },
    ],
    expand: [{ match: { node: 'plan' }, replies: [[{ kind: 'leaf', spec: { id: `evil\x1b]0;PWNED-ID\x07\u202e`, prompt: 'planned part' } }]] }],
  };
}

function project(latencyMs = 0): string {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-escapes-'));
  writeFileSync(join(cwd, 'hostile.json'), JSON.stringify(WORKFLOW));
  writeFileSync(join(cwd, 'hostile.fixtures.yaml'), JSON.stringify(fixture(latencyMs)));
  return cwd;
}

/** Characters a terminal acts on: C0 controls but LF and TAB, DEL, C1, bidi formatting, line/paragraph separators. */
const TERMINAL_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

function expectInert(surface: string, text: string): void {
  const match = TERMINAL_CONTROL.exec(text);
  const where = match ? JSON.stringify(text.slice(Math.max(0, match.index - 40), match.index + 20)) : '';
  expect(match, `${surface} printed a raw control character U+${match?.[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${where}`).toBeNull();
}

describe('run text reaches every terminal surface escaped (real whaleflow processes)', () => {
  const cwd = project();
  let run: ProcessOutcome;
  beforeAll(() => {
    run = runWhaleflowProcess(['run', 'hostile.json', '--fixtures', 'hostile.fixtures.yaml'], { cwd });
  });

  it('run: the plain progress lines and the summary', () => {
    expect(run.status, run.stderr).toBe(1); // `broken` failed
    expectInert('run stdout', run.stdout);
    expectInert('run stderr', run.stderr);
    expect(run.stdout).toContain('provider said: title\\x1b]0;PWNED-TITLE\\x07');
    expect(run.stdout).toContain('evil\\x1b]0;PWNED-ID\\x07\\u202e');
  });

  // Each surface, and run text it must show (escaped), so an empty output cannot pass.
  it.each([
    ['ps', ['ps'], 'evil\\x1b]0;PWNED-ID'],
    ['ps --json', ['ps', '--json'], 'evil\\u001b]0;PWNED-ID\\u0007\\u202e'],
    ['inspect', ['inspect', 'last'], 'provider said: title\\x1b]0;'],
    ['inspect a leaf --full', ['inspect', 'last', 'echo', '--full'], 'before title\\x1b]0;'],
    ['inspect a failed leaf', ['inspect', 'last', 'broken'], 'provider said: title\\x1b]0;'],
    ['inspect the expand (its decision)', ['inspect', 'last', 'plan'], 'evil\\u001b]0;PWNED-ID'],
    ['report md', ['report', 'last'], 'evil\\x1b]0;PWNED-ID'],
    ['report json', ['report', 'last', '--format', 'json'], 'evil\\u001b]0;PWNED-ID'],
    ['replay', ['replay', 'last'], 'provider said: title\\x1b]0;'],
    ['export', ['export', 'last'], 'before title\\u001b]0;'],
  ])('%s', (surface, args, shown) => {
    const outcome = runWhaleflowProcess(args, { cwd });
    expectInert(`${surface} stdout`, outcome.stdout);
    expectInert(`${surface} stderr`, outcome.stderr);
    expect(outcome.stdout).toContain(shown);
  });

  it('inspect --full shows the whole output with its escapes visible', () => {
    const outcome = runWhaleflowProcess(['inspect', 'last', 'echo', '--full'], { cwd });
    expect(outcome.stdout).toContain(ESCAPED_FRAGMENT);
    expect(outcome.stdout).toContain('shown\\rHIDDEN');
    expect(outcome.stdout).toContain('\\u009b31m');
  });

  it('blob: escaped on a terminal, the stored bytes into a pipe', async () => {
    // The output is longer than the blob threshold: the trace keeps it as a blob named by its SHA-256.
    const blobHash = sha256Hex(ECHO_OUTPUT);
    const onTerminal = await runCliInMemory(['blob', blobHash], { cwd, env: { ...process.env, WHALEFLOW_HOME: '' }, isTty: true });
    expect(onTerminal.stderr).toBe('');
    expectInert('blob on a terminal', onTerminal.stdout);
    expect(onTerminal.stdout).toContain(ESCAPED_FRAGMENT);
    const piped = runWhaleflowProcess(['blob', blobHash], { cwd });
    expect(piped.stdout).toContain(HOSTILE);
  });

  it('JSON surfaces still parse to the exact recorded text', () => {
    const exported = JSON.parse(runWhaleflowProcess(['export', 'last'], { cwd }).stdout) as { leaves: { nodeId: string; output: string | null }[] };
    expect(exported.leaves.find((leaf) => leaf.nodeId === 'echo')?.output).toBe(ECHO_OUTPUT);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
/** A private tmux server (its own socket, no user configuration) that stores OSC 52 writes as paste buffers. */
const socket = `whaleflow-escapes-${process.pid}`;
const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', socket, 'kill-server']);
});

function shellLine(cwd: string, args: readonly string[]): string {
  const { command, args: argv, env } = whaleflowCommand(args);
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  return `cd ${quote(cwd)} && WHALEFLOW_HOME= ${assignments.join(' ')} ${[command, ...argv].map(quote).join(' ')}; sleep 600`;
}

async function until(what: string, probe: () => boolean, pane: string, deadlineMs = 90_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n--- screen ---\n${tmux('capture-pane', '-p', '-t', pane)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What an executed escape would have changed: the pane title (OSC 0/2) and the paste buffers (OSC 52). */
function expectTerminalUntouched(pane: string): void {
  expect(tmux('display-message', '-p', '-t', pane, '#{pane_title}')).not.toMatch(/PWNED/);
  expect(spawnSync('tmux', ['-L', socket, 'list-buffers'], { encoding: 'utf8' }).stdout).toBe('');
}

describe.skipIf(!hasTmux)('in a real terminal (tmux): the live progress block and the TUI', () => {
  it('neither sets the title, writes the clipboard nor clears the screen', async () => {
    const cwd = project(10_000); // the leaf's one activity line shows half-way through
    // The foreground run on a TTY draws the live block (the leaf's hostile activity line) then the summary.
    tmux('new-session', '-d', '-s', 'progress', '-x', '200', '-y', '50', shellLine(cwd, ['run', 'hostile.json', '--fixtures', 'hostile.fixtures.yaml']));
    tmux('set-option', '-g', 'set-clipboard', 'on');
    const progressScreen = (): string => tmux('capture-pane', '-p', '-t', 'progress');
    await until('the running leaf with its activity in the live block', () => progressScreen().includes('● echo') && progressScreen().includes('read title\\x1b]0;PWNED-TITLE'), 'progress');
    expectTerminalUntouched('progress');
    await until('the run summary', () => /run [0-9a-f-]{36}: failed/.test(progressScreen()), 'progress');
    expect(progressScreen()).toContain('provider said: title\\x1b]0;PWNED-TITLE\\x07');
    expectTerminalUntouched('progress');

    // The TUI: the run list, the run's tree (the failed leaf's error, the planner's node id), the leaf view (its output).
    tmux('new-session', '-d', '-s', 'tui', '-x', '200', '-y', '50', shellLine(cwd, ['tui']));
    const tuiScreen = (): string => tmux('capture-pane', '-p', '-t', 'tui');
    await until('the run list', () => tuiScreen().includes('hostile.json'), 'tui');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until('the run tree with the escaped error and node id', () => tuiScreen().includes('provider said: title\\x1b]0;') && tuiScreen().includes('evil\\x1b]0;PWNED-ID'), 'tui');
    expectTerminalUntouched('tui');
    tmux('send-keys', '-t', 'tui', 'Enter'); // the cursor is on the first row: the leaf echo
    await until('the leaf view with the escaped output', () => tuiScreen().includes('echo — succeeded') && tuiScreen().includes('before title\\x1b]0;PWNED-TITLE'), 'tui');
    tmux('send-keys', '-t', 'tui', 'o');
    await until('the whole output', () => tuiScreen().includes('shown\\rHIDDEN'), 'tui');
    expectTerminalUntouched('tui');
    tmux('send-keys', '-t', 'tui', 'q');
  }, 300_000);
});
