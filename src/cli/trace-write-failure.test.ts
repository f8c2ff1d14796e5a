import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli, type CliOutcome } from '../runs/testing/spawn-cli.js';
import { completedEffects, waitFor, wideProject } from '../runs/testing/watch-project-database.js';
import { SqliteTraceStore } from '../trace/index.js';
import { overwritePages, rootPage } from '../trace/testing/damage-database.js';
import { runCliInMemory } from './run-cli-in-memory.js';

const LEAVES = 200;
const RUN_ID = 'unrecordable-run';

const SLOW = 'defaults:\n  latency_ms: 25\n';

/**
 * The last leaf outlasts any load: the run is still going when the test damages its file, however
 * slowly the test's polling gets to it (a run of 25 ms leaves alone once finished first under load).
 */
const HELD_OPEN = `${SLOW}leaves:\n  - match: {id: leaf-${LEAVES - 1}}\n    latency_ms: 600000\n`;

function newProject(fixture = SLOW): { directory: string; database: string } {
  return wideProject('whaleflow-trace-failure-', LEAVES, { 'slow.yaml': fixture });
}

const RUN_ARGS = ['run', 'wide.json', '--fixtures', 'slow.yaml', '--max-concurrency', '4', '--max-agents', String(LEAVES + 10), '--run-id', RUN_ID];

/** What every run that could not record must look like from the outside. */
function expectStoppedUnrecorded(outcome: CliOutcome, path: string, reason: RegExp): void {
  expect(outcome.signal).toBeNull();
  expect(outcome.code).toBe(1);
  expect(outcome.stderr).not.toMatch(/internal error|\n\s+at |warning/);
  expect(outcome.stderr).toContain(`run ${RUN_ID} stopped: the run could not be recorded: `);
  expect(outcome.stderr).toContain(path);
  expect(outcome.stderr).toMatch(reason);
  expect(outcome.stderr).toContain(`whaleflow resume ${RUN_ID.slice(0, 8)}`);
  // No summary claims a result: the last lines are the failure, not "run … succeeded".
  expect(outcome.stdout).not.toMatch(/^run .*: (succeeded|failed|cancelled) in /m);
  expect(outcome.stdout).not.toMatch(/run succeeded/);
}

describe('a run whose trace cannot be written stops, says why and exits non-zero', () => {
  it('a full disk (RLIMIT_FSIZE on the run process; SIGXFSZ ignored, so writes fail with EFBIG): the leaves stop, ps tells the truth, and a resume with room finishes without paying twice', async () => {
    const { directory, database } = newProject();
    new SqliteTraceStore(database).close(); // the database exists (about 250 KiB: 16 KiB pages); only its growth hits the limit
    // `ulimit -f 640`: no file this process writes may pass 640 KiB, so the WAL fills after a few dozen commits.
    const prefix = ['bash', '-c', `trap '' XFSZ; ulimit -f 640; exec "$@"`, 'bash'];
    const running = startCli(RUN_ARGS, { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' }, prefix });
    const outcome = await running.finished;
    expectStoppedUnrecorded(outcome, database, /the disk is full or the file-size limit was reached|the disk refused the write/);

    // Room again: the record is a clean, contiguous prefix of the run, and ps does not call it a success.
    const store = new SqliteTraceStore(database);
    expect(store.integrityCheck()).toBe('ok');
    const events = store.events(RUN_ID);
    expect(events.map((entry) => entry.seq)).toEqual(events.map((_, index) => index));
    const recordedEffects = events.filter((entry) => entry.event.type === 'effect_completed').length;
    // Progress is shown from what was committed: every leaf printed as succeeded is in the trace as succeeded.
    const recordedSucceeded = new Set(events.flatMap(({ event }) => (event.type === 'node_finished' && event.status === 'succeeded' ? [event.nodeId] : [])));
    const shownSucceeded = [...outcome.stdout.matchAll(/^\[\d+\/\d+\] (\S+) succeeded/gm)].map((match) => match[1]!);
    expect(shownSucceeded.length).toBeGreaterThan(0);
    expect(shownSucceeded.filter((nodeId) => !recordedSucceeded.has(nodeId))).toEqual([]);
    expect(recordedEffects).toBeGreaterThan(0);
    expect(recordedEffects).toBeLessThan(LEAVES);
    store.close();
    const listed = await runCliInMemory(['ps', '--json'], { cwd: directory, env: {} });
    const [overview] = JSON.parse(listed.stdout) as { runId: string; status: string; leavesDone: number; leavesTotal: number }[];
    expect(overview!.runId).toBe(RUN_ID);
    expect(['failed', 'interrupted']).toContain(overview!.status);
    expect(overview!.leavesDone).toBeLessThan(overview!.leavesTotal);

    // A resume (which records inline, not on a worker thread) that cannot record stops the same way.
    const starved = await startCli(['resume', RUN_ID, '--fixtures', 'slow.yaml', '--max-agents', String(LEAVES + 10)], { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' }, prefix: ['bash', '-c', `trap '' XFSZ; ulimit -f 384; exec "$@"`, 'bash'] }).finished;
    expect(starved.code).toBe(1);
    expect(starved.stderr).toMatch(/^whaleflow: run \S+ stopped: the run could not be recorded: /m);
    expect(starved.stdout).not.toContain('resumed');

    // What was recorded is kept: the resume serves it and runs only the rest.
    const resumed = await runCliInMemory(['resume', RUN_ID, '--fixtures', 'slow.yaml', '--max-agents', String(LEAVES + 10), '--json'], { cwd: directory, env: {} });
    expect(resumed.stderr).toBe('');
    const result = JSON.parse(resumed.stdout) as { servedFromTrace: number; ranLive: number; result: { status: string } };
    expect(result.result.status).toBe('succeeded');
    // Everything the run recorded is served (and whatever the starved resume managed to record, which it continues from).
    expect(result.servedFromTrace).toBeGreaterThanOrEqual(recordedEffects);
    expect(result.servedFromTrace + result.ranLive).toBe(LEAVES + 2);
  }, 180_000);

  it('a corrupt page (bytes of the database overwritten while the run goes on): the run stops with the damaged file named, and ps says what to do', async () => {
    const { directory, database } = newProject(HELD_OPEN);
    const running = startCli(RUN_ARGS, { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' } });
    await waitFor(() => completedEffects(database, RUN_ID) >= 20, '20 recorded leaves', running.output);

    // Freeze the run, fold the WAL into the file, overwrite the event log's root page on disk,
    // and commit one unrelated change so the run's writer must read its pages from disk again.
    const pid = running.child.pid!;
    let checkpointed = false;
    while (!checkpointed) {
      process.kill(pid, 'SIGSTOP');
      const connection = new Database(database);
      const [result] = connection.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      connection.close();
      checkpointed = result!.busy === 0;
      if (!checkpointed) {
        process.kill(pid, 'SIGCONT'); // it was frozen inside a transaction: let it finish that one
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const { page, pageSize } = rootPage(database, 'events');
    overwritePages(database, page, pageSize);
    const connection = new Database(database);
    connection.pragma(`user_version = ${connection.pragma('user_version', { simple: true }) as number}`);
    connection.close();
    process.kill(pid, 'SIGCONT');

    const outcome = await running.finished;
    expectStoppedUnrecorded(outcome, database, /is damaged \(SQLite: database disk image is malformed\)/);
    // Every reader now meets the damage too, and says so instead of a stack trace.
    const listed = await runCliInMemory(['ps'], { cwd: directory, env: {} });
    expect(listed.exitCode).toBe(1);
    expect(listed.stderr).toContain(`${database} is damaged`);
    expect(listed.stderr).toContain('.recover');
  }, 180_000);

  // A pure replay records by reference (a few rows, inline); one that may run live (--allow-live)
  // records its events as rows: a small one inline, a wide one (10,000 recorded events or more) on
  // a writer thread. Those rows (4 a leaf) do not fit in 64 KiB of WAL; the few a replay by
  // reference writes (run_started, a heartbeat, its references, run_finished: each transaction a
  // few 4 KiB pages) do not fit in 40 KiB. (ulimit -f bounds each file: the 32 KiB -shm fits.)
  it.each([
    ['by reference', LEAVES, false, [] as string[], 40],
    ['inline', LEAVES, false, ['--allow-live'], 64],
    ['on its writer thread', 2_600, true, ['--allow-live'], 64],
  ])('a full disk during a replay recorded %s: the replay stops and says so instead of a verdict, and the recorded run still replays identical with room', async (_how, leaves, wide, flags, limitKib) => {
    const { directory, database } = wideProject('whaleflow-trace-failure-', leaves, { 'slow.yaml': 'defaults:\n  latency_ms: 0\n' });
    const args = ['run', 'wide.json', '--fixtures', 'slow.yaml', '--max-agents', String(leaves + 10), '--run-id', RUN_ID];
    expect((await runCliInMemory(args, { cwd: directory, env: {} })).exitCode).toBe(0);
    const recorded = new SqliteTraceStore(database);
    // Which way the replay records (replay-command.ts): on a writer thread from 10,000 recorded events.
    expect(recorded.getRun(RUN_ID)!.eventCount >= 10_000).toBe(wide);
    recorded.close();
    // The run's own rows are in the file (its WAL folded in on close).
    const prefix = ['bash', '-c', `trap '' XFSZ; ulimit -f ${limitKib}; exec "$@"`, 'bash'];
    const outcome = await startCli(['replay', RUN_ID, ...flags], { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' }, prefix }).finished;
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).not.toMatch(/internal error|\n\s+at |warning/);
    expect(outcome.stderr).toMatch(/run \S+ stopped: the run could not be recorded: /);
    expect(outcome.stderr).toContain(database);
    expect(outcome.stderr).toContain('once the database can be written, replay again');
    expect(outcome.stdout).not.toContain('parity:');

    const store = new SqliteTraceStore(database);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    const again = await runCliInMemory(['replay', RUN_ID], { cwd: directory, env: {} });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/served \d+ effects from the trace, ran 0 live/);
    expect(again.stdout).toContain('parity: identical');
  }, 180_000);

  it('a full disk before even the run\'s start is recorded: no leaf is shown as succeeded, and the way back is to run again, not a resume that cannot find the run', async () => {
    const { directory, database } = newProject();
    // A spec of ~1.2 MB: its run_started alone is larger than the file-size limit.
    const big = { id: 'big', goal: 'a spec too large for the disk', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: Array.from({ length: 600 }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index} ${'lorem ipsum '.repeat(170)}` } })) } }] };
    writeFileSync(join(directory, 'big.json'), JSON.stringify(big));
    new SqliteTraceStore(database).close();
    const prefix = ['bash', '-c', `trap '' XFSZ; ulimit -f 384; exec "$@"`, 'bash'];
    const outcome = await startCli(['run', 'big.json', '--max-agents', '700', '--run-id', RUN_ID], { cwd: directory, env: { ...process.env, WHALEFLOW_HOME: '' }, prefix }).finished;
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).not.toMatch(/internal error|\n\s+at |warning/);
    expect(outcome.stderr).toContain(`run ${RUN_ID} stopped: the run could not be recorded: `);
    expect(outcome.stderr).toContain('nothing of the run was recorded (not even its start), so there is nothing to resume; once the database can be written, run it again (whaleflow run big.json)');
    expect(outcome.stderr).not.toContain('whaleflow resume');
    expect(outcome.stdout).not.toMatch(/succeeded/);
    const listed = await runCliInMemory(['ps', '--json'], { cwd: directory, env: {} });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  }, 180_000);
});
