import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliBatch } from '../runs/testing/spawn-cli.js';
import { checkpoint, DAMAGES, damageDatabase, type Damage } from '../trace/testing/damage-database.js';
import { sha256Hex } from '../util/index.js';
import { unprivilegedRunner } from '../util/testing/unprivileged-user.js';
import { runCliInMemory, type CapturedRun } from './run-cli-in-memory.js';

const workflow = fileURLToPath(new URL('../../workflows/review_fanout.yaml', import.meta.url));
/** A review whose `design` leaf answers at length, so its output is stored as a blob. */
const LONG_OUTPUT = Array.from({ length: 600 }, (_, index) => `finding ${index}: the module boundary holds.`).join('\n');
const FIXTURE = `leaves:\n  - match: { id: design }\n    output: ${JSON.stringify(LONG_OUTPUT)}\n`;
const BLOB_HASH = sha256Hex(LONG_OUTPUT);

/** A project directory others can traverse (the read-only tests run the CLI as nobody when root). */
function newProject(): string {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-damage-'));
  chmodSync(directory, 0o755);
  copyFileSync(workflow, join(directory, 'review.yaml'));
  writeFileSync(join(directory, 'review.fixtures.yaml'), FIXTURE);
  return directory;
}

function databaseOf(project: string): string {
  return join(project, '.whaleflow', 'whaleflow.db');
}

/** The CLI in-process, with no WHALEFLOW_HOME from the developer's shell. */
function cli(project: string, ...argv: string[]): Promise<CapturedRun> {
  return runCliInMemory(argv, { cwd: project, env: {} });
}

/** Two recorded runs (the second with a blob), copied into a fresh project per test. */
let recorded: string;

beforeAll(async () => {
  recorded = newProject();
  expect((await cli(recorded, 'run', 'review.yaml')).exitCode).toBe(0);
  expect((await cli(recorded, 'run', 'review.yaml', '--fixtures', 'review.fixtures.yaml')).exitCode).toBe(0);
  checkpoint(databaseOf(recorded));
});

function projectWithRuns(): string {
  const project = newProject();
  mkdirSync(join(project, '.whaleflow'), { recursive: true });
  copyFileSync(databaseOf(recorded), databaseOf(project));
  return project;
}

/** Every command that opens the project database, as a user would type it. */
const DATABASE_COMMANDS: readonly (readonly string[])[] = [
  ['ps'],
  ['ps', '--json'],
  ['inspect', 'last'],
  ['report', 'last', '--format', 'json'],
  ['export', 'last'],
  ['blob', BLOB_HASH],
  ['replay', 'last'],
  ['resume', 'last'],
  ['cancel', 'last'],
  ['apply', 'last', 'design', '--check'],
  ['memo', 'stats'],
  ['memo', 'export'],
  ['memo', 'clear'],
  ['run', 'review.yaml'],
];

/** The memo and blobs live in their own tables: a damaged page of the event log does not concern them. */
function readsEvents(command: readonly string[]): boolean {
  return command[0] !== 'memo' && command[0] !== 'blob';
}

function expectClearError(outcome: CapturedRun, path: string, what: RegExp): void {
  expect(outcome.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(outcome.exitCode).toBe(1);
  expect(outcome.stderr).toContain(path);
  expect(outcome.stderr).toMatch(what);
}

const EXPLANATION: Readonly<Record<Damage, RegExp>> = {
  not_sqlite: /is not a WhaleFlow project database .*Move it aside/,
  truncated: /is damaged: it is truncated \(\d+ bytes of the \d+ its header records\).*\.recover/,
  corrupt_page: /is damaged \(SQLite: database disk image is malformed\).*\.recover/,
};

describe('a damaged project database', () => {
  for (const damage of DAMAGES) {
    it(`${damage}: every command that opens it names the file and what to do (exit 1, no stack trace)`, async () => {
      const project = projectWithRuns();
      damageDatabase(databaseOf(project), damage);
      for (const command of DATABASE_COMMANDS) {
        if (damage === 'corrupt_page' && !readsEvents(command)) continue;
        const outcome = await cli(project, ...command);
        try {
          expectClearError(outcome, databaseOf(project), EXPLANATION[damage]);
        } catch (error) {
          throw new Error(`whaleflow ${command.join(' ')} on a ${damage} database: ${(error as Error).message}\n${outcome.stdout.slice(0, 2000)}\n${outcome.stderr}`);
        }
      }
    });
  }
});

describe('one damaged run never hides the others', () => {
  it('an event row with invalid JSON, a row of unknown shape and a run_finished damaged in place flag their runs in ps and the TUI; the other runs list and inspect as before', async () => {
    const project = projectWithRuns();
    expect((await cli(project, 'run', 'review.yaml')).exitCode).toBe(0);
    expect((await cli(project, 'run', 'review.yaml')).exitCode).toBe(0);
    const database = new Database(databaseOf(project));
    const runIds = database.prepare("SELECT run_id FROM events WHERE type = 'run_started' ORDER BY id").all().map((row) => (row as { run_id: string }).run_id);
    expect(runIds).toHaveLength(4);
    const [first, second, third, fourth] = runIds as [string, string, string, string];
    const append = database.prepare("INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, (SELECT MAX(seq) + 1 FROM events WHERE run_id = ?), ?, NULL, 0, ?)");
    append.run(first, first, 'activity', '{"type": "activity", "runId": truncated');
    append.run(fourth, fourth, 'activity', JSON.stringify({ type: 'telemetry', runId: fourth }));
    // Bytes changed in place (a bad disk, a careless edit): the append-only trigger is no obstacle to either.
    database.exec('DROP TRIGGER events_no_update');
    database.prepare("UPDATE events SET payload = 'not json' WHERE run_id = ? AND type = 'run_finished'").run(second);
    database.close();

    const listed = await cli(project, 'ps', '--json');
    expect(listed.stderr).toBe('');
    expect(listed.exitCode).toBe(0);
    const overviews = JSON.parse(listed.stdout) as { runId: string; status: string; damage: string | null }[];
    const byId = new Map(overviews.map((overview) => [overview.runId, overview]));
    expect(overviews.map((overview) => overview.runId).sort()).toEqual([...runIds].sort());
    expect(byId.get(first)).toMatchObject({ status: 'damaged', damage: expect.stringMatching(/^event \d+ cannot be read \(invalid JSON/) });
    expect(byId.get(second)).toMatchObject({ status: 'damaged', damage: expect.stringMatching(/invalid JSON/) });
    expect(byId.get(third)).toMatchObject({ status: 'succeeded', damage: null });
    expect(byId.get(fourth)).toMatchObject({ status: 'damaged', damage: expect.stringMatching(/unknown event type "telemetry"/) });

    const text = await cli(project, 'ps');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/Needs attention \(3\)/);
    expect(text.stdout).toContain(`damaged: event`);
    expect(text.stdout).toContain(`→ whaleflow inspect ${first.slice(0, 8)}`);

    // The damaged run itself: a clear error naming the file, the run and the event.
    const inspected = await cli(project, 'inspect', first);
    expectClearError(inspected, databaseOf(project), new RegExp(`event \\d+ of run ${first} is damaged \\(invalid JSON`));
    expect((await cli(project, 'inspect', third)).exitCode).toBe(0);
    expect((await cli(project, 'replay', third)).exitCode).toBe(0);

    // The TUI reads through the same tolerant path.
    const { openProjectTrace } = await import('../trace/index.js');
    const { StorePoller, initialViewState, reduceViewState, selectListRuns } = await import('../tui/index.js');
    const store = openProjectTrace({ cwd: project, env: {}, mustExist: true });
    try {
      const state = reduceViewState(initialViewState({ now: Date.now() }), { type: 'poll', now: Date.now(), batches: new StorePoller(store).poll() });
      const statuses = new Map(selectListRuns(state).map((run) => [run.runId, run.status]));
      expect(statuses.get(first)).toBe('damaged');
      expect(statuses.get(second)).toBe('damaged');
      expect(statuses.get(third)).toBe('succeeded');
      expect(statuses.get(fourth)).toBe('damaged');
    } finally {
      store.close();
    }
  });
});

describe('blobs are verified against their SHA-256 on read', () => {
  it('a tampered blob is refused by replay, blob, export and inspect --full instead of replaying as identical', async () => {
    const project = projectWithRuns();
    expect((await cli(project, 'replay', 'last')).stdout).toContain('parity: identical');
    // Someone edits the stored blob (the immutability trigger only guards UPDATE; a row can be replaced).
    const database = new Database(databaseOf(project));
    const tampered = Buffer.from(LONG_OUTPUT.replace('finding 7:', 'finding 7: ALL CLEAR,'), 'utf8');
    database.prepare('DELETE FROM blobs WHERE hash = ?').run(BLOB_HASH);
    database.prepare('INSERT INTO blobs (hash, size, content) VALUES (?, ?, ?)').run(BLOB_HASH, tampered.length, tampered);
    database.close();
    const altered = new RegExp(`blob ${BLOB_HASH} was altered after it was written`);
    for (const command of [['replay', 'last'], ['blob', BLOB_HASH], ['export', 'last'], ['inspect', 'last', 'design', '--full']]) {
      const outcome = await cli(project, ...command);
      expect(outcome.stdout).not.toContain('parity: identical');
      expect(outcome.stdout).not.toContain('ALL CLEAR');
      expectClearError(outcome, databaseOf(project), altered);
    }
  });
});

const runner = unprivilegedRunner();

describe.skipIf(!runner.available)('a read-only .whaleflow directory', () => {
  it('reading commands work (replay without recording, memory and overlay listings); run and resume refuse, naming the directory', async () => {
    if (!runner.available) return;
    const project = projectWithRuns();
    const directory = join(project, '.whaleflow');
    chmodSync(databaseOf(project), 0o444);
    chmodSync(directory, 0o555);
    chmodSync(project, 0o555);
    const reading: [string[], RegExp][] = [
      [['ps'], /Done \(2\)/],
      [['inspect', 'last'], /design/],
      [['report', 'last'], /\| design \| succeeded/],
      [['export', 'last'], /"format"/],
      [['blob', BLOB_HASH], /finding 599/],
      [['replay', 'last'], /parity: identical/],
      [['memo', 'stats'], /entries/],
      [['memory', 'ls'], /no memory contexts/],
      [['memory', 'ls', '--json'], /^\[\]/],
      [['overlay', 'ls'], /overlay: snapshot/],
      [['overlay', 'log'], /\S/],
    ];
    const writing = [['run', 'review.yaml'], ['resume', 'last', '--force']];
    try {
      // One real child process without root's override of file permissions (as nobody when root).
      const outcomes = await runCliBatch([...reading.map(([command]) => command), ...writing], { cwd: project, prefix: runner.prefix, env: { PATH: process.env.PATH, HOME: tmpdir() } });
      reading.forEach(([command, expected], index) => {
        const outcome = outcomes[index]!;
        const stderr = command[0] === 'replay' ? outcome.stderr.replace(`whaleflow: note: the replay is not recorded (${databaseOf(project)} cannot be written here)\n`, '') : outcome.stderr;
        expect({ command, exitCode: outcome.exitCode, stderr }).toEqual({ command, exitCode: 0, stderr: '' });
        expect(outcome.stdout).toMatch(expected);
      });
      for (const outcome of outcomes.slice(reading.length)) {
        expectClearError(outcome, databaseOf(project), new RegExp(`cannot write .*: ${directory.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is read-only or not writable by this user`));
      }
      expect(readdirSync(directory)).toEqual(['whaleflow.db']);
    } finally {
      chmodSync(project, 0o755);
      chmodSync(directory, 0o755);
    }
  }, 120_000);
});
