import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory, type CapturedRun } from '../cli/run-cli-in-memory.js';
import { SqliteTraceStore } from '../trace/index.js';
import { initialViewState } from '../tui/initial-view-state.js';
import { reduceViewState } from '../tui/reduce-view-state.js';
import { StorePoller } from '../tui/store-poller.js';
import { startCli } from './testing/spawn-cli.js';
import { completedEffects, queryDatabase, waitFor, wideProject } from './testing/watch-project-database.js';

const LEAVES = 120;
const CRASHED = 'crashed-run';

function newProject(): { directory: string; database: string } {
  return wideProject('whaleflow-resume-races-', LEAVES, {
    'fast.yaml': 'defaults:\n  latency_ms: 0\n',
    // Slow enough that a loaded machine cannot finish it between two polls of the test.
    'crawl.yaml': 'defaults:\n  latency_ms: 100\n',
    // Its last leaf never ends on its own: the run is still running whenever the test kills it.
    'held.yaml': `defaults:\n  latency_ms: 100\nleaves:\n  - match: {id: leaf-${LEAVES - 1}}\n    latency_ms: 600000\n`,
  });
}

const SHAPE = ['--max-agents', String(LEAVES + 10)];
const ENV = { ...process.env, WHALEFLOW_HOME: '' };

function cli(directory: string, ...argv: string[]): Promise<CapturedRun> {
  return runCliInMemory(argv, { cwd: directory, env: {} });
}

function resumesOf(path: string, parentRunId: string): string[] {
  return queryDatabase<{ run_id: string }>(path, "SELECT run_id FROM events WHERE type = 'run_started' AND json_extract(payload, '$.parentRunId') = ? AND json_extract(payload, '$.mode') = 'resume'", parentRunId).map((row) => row.run_id);
}

/** A real `whaleflow run` child process, killed with SIGKILL once some leaves are recorded. */
async function crashedRun(directory: string, database: string): Promise<void> {
  const running = startCli(['run', 'wide.json', '--fixtures', 'crawl.yaml', '--max-concurrency', '2', ...SHAPE, '--run-id', CRASHED], { cwd: directory, env: ENV });
  await waitFor(() => completedEffects(database, CRASHED) >= 10, '10 recorded leaves', running.output);
  running.child.kill('SIGKILL');
  expect((await running.finished).signal).toBe('SIGKILL');
}

describe('resume: one at a time per run, honest suggestions, clear refusals', () => {
  const project = newProject();
  let firstResume = '';
  let finalResume = '';

  it('a second resume while one runs is refused naming its holder; a resume killed with kill -9 leaves no lock; the next continues from it; no effect runs live twice', async () => {
    const { directory, database } = project;
    await crashedRun(directory, database);

    // Load the in-process CLI's resume command now, so the second resume below is not slowed by module loading.
    expect((await cli(directory, 'resume', 'no-such-run')).exitCode).toBe(1);
    const first = startCli(['resume', CRASHED, '--fixtures', 'crawl.yaml', '--max-concurrency', '1', ...SHAPE], { cwd: directory, env: ENV });
    await waitFor(() => resumesOf(database, CRASHED).length === 1 && completedEffects(database, resumesOf(database, CRASHED)[0]!) >= 5, 'the first resume to be under way', first.output);
    firstResume = resumesOf(database, CRASHED)[0]!;

    for (const reference of [CRASHED, firstResume]) {
      const second = await cli(directory, 'resume', reference, '--fixtures', 'fast.yaml', ...SHAPE);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^whaleflow: run ${CRASHED} is being resumed by pid ${first.child.pid} \\(as run ${firstResume}\\) since \\S+; wait for it to finish \\(whaleflow ps\\), or stop it first\n$`));
    }
    expect(resumesOf(database, CRASHED)).toEqual([firstResume]);

    first.child.kill('SIGKILL');
    expect((await first.finished).signal).toBe('SIGKILL');
    const third = await cli(directory, 'resume', CRASHED, '--fixtures', 'fast.yaml', ...SHAPE, '--json');
    expect(third.stderr).toBe(`whaleflow: run ${CRASHED} was resumed before; continuing from its newest resume, ${firstResume} (it did not finish)\n`);
    expect(third.exitCode).toBe(0);
    const outcome = JSON.parse(third.stdout) as { runId: string; chain: string[]; result: { status: string } };
    expect(outcome.result.status).toBe('succeeded');
    expect(outcome.chain).toEqual([firstResume, CRASHED]);
    finalResume = outcome.runId;

    // Every effect ran live exactly once across the crashed run and both resumes.
    const store = new SqliteTraceStore(database);
    const liveCounts = new Map<string, number>();
    for (const runId of [CRASHED, firstResume, finalResume]) {
      for (const { event } of store.events(runId)) if (event.type === 'effect_completed' && event.source === 'live') liveCounts.set(event.key, (liveCounts.get(event.key) ?? 0) + 1);
    }
    expect(liveCounts.size).toBe(LEAVES + 2);
    expect([...liveCounts.values()].every((count) => count === 1)).toBe(true);
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM run_locks').get()).toEqual({ n: 0 });
    store.close();
  }, 180_000);

  it('once a resume succeeded, ps suggests nothing more for the chain and files it under done; resuming it again is refused', async () => {
    const { directory } = project;
    const listed = JSON.parse((await cli(directory, 'ps', '--json')).stdout) as { runId: string; status: string; suggestedAction: string | null; resumedAs: { runId: string; status: string } | null }[];
    const byId = new Map(listed.map((run) => [run.runId, run]));
    for (const runId of [CRASHED, firstResume]) {
      expect(byId.get(runId)).toMatchObject({ status: 'interrupted', suggestedAction: null, resumedAs: { runId: finalResume, status: 'succeeded' } });
    }
    const text = (await cli(directory, 'ps')).stdout;
    expect(text).not.toContain('Needs attention');
    expect(text).not.toContain('whaleflow resume');
    expect(text).toContain(`resumed as ${finalResume.slice(0, 8)} (succeeded)`);

    for (const reference of [CRASHED, firstResume]) {
      const again = await cli(directory, 'resume', reference, '--fixtures', 'fast.yaml', ...SHAPE);
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toContain(`was already resumed as ${finalResume}, which succeeded; there is nothing left to resume`);
    }
    const ofTheResume = await cli(directory, 'resume', finalResume, '--fixtures', 'fast.yaml', ...SHAPE);
    expect(ofTheResume.exitCode).toBe(1);
    expect(ofTheResume.stderr).toBe(`whaleflow: run ${finalResume} succeeded; there is nothing to resume (whaleflow replay ${finalResume.slice(0, 8)} checks it; whaleflow run runs the workflow again)\n`);
    expect(resumesOf(project.database, CRASHED)).toEqual([firstResume]);
  }, 60_000);

  it('a run that simply succeeded is not resumed (it used to re-run as a new resume)', async () => {
    const { directory } = newProject();
    expect((await cli(directory, 'run', 'wide.json', '--fixtures', 'fast.yaml', ...SHAPE)).exitCode).toBe(0);
    const resumed = await cli(directory, 'resume', 'last', ...SHAPE);
    expect(resumed.exitCode).toBe(1);
    expect(resumed.stderr).toMatch(/^whaleflow: run \S+ succeeded; there is nothing to resume/);
    expect(JSON.parse((await cli(directory, 'ps', '--json')).stdout)).toHaveLength(1);
  });
});

describe('two resume processes started at the same moment', () => {
  it('exactly one resumes; the other is refused (lock held, or already resumed); no effect runs live twice', async () => {
    const { directory, database } = newProject();
    await crashedRun(directory, database);
    const racers = [0, 1].map(() => startCli(['resume', CRASHED, '--fixtures', 'crawl.yaml', '--max-concurrency', '2', ...SHAPE], { cwd: directory, env: ENV }));
    const outcomes = await Promise.all(racers.map((racer) => racer.finished));
    const winners = outcomes.filter((outcome) => outcome.code === 0);
    const losers = outcomes.filter((outcome) => outcome.code !== 0);
    expect(winners, racers.map((racer) => racer.output()).join('\n')).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const resumes = resumesOf(database, CRASHED);
    expect(resumes).toHaveLength(1);
    const lockHeld = `^whaleflow: run ${CRASHED} is being resumed by pid \\d+ \\(as run ${resumes[0]}\\) since \\S+; wait for it to finish`;
    const alreadyDone = `^whaleflow: run ${CRASHED} was already resumed as ${resumes[0]}, which succeeded; there is nothing left to resume`;
    expect(losers[0]!.stderr).toMatch(new RegExp(`${lockHeld}|${alreadyDone}`));
    expect(losers[0]!.stderr).not.toContain('internal error');

    const store = new SqliteTraceStore(database);
    const liveCounts = new Map<string, number>();
    for (const runId of [CRASHED, ...resumes]) {
      for (const { event } of store.events(runId)) if (event.type === 'effect_completed' && event.source === 'live') liveCounts.set(event.key, (liveCounts.get(event.key) ?? 0) + 1);
    }
    expect([...liveCounts.values()].every((count) => count === 1)).toBe(true);
    expect(store.database.prepare('SELECT COUNT(*) AS n FROM run_locks').get()).toEqual({ n: 0 });
    store.close();
  }, 180_000);
});

describe('replay of a run without a result is refused, from the CLI and from the TUI', () => {
  it('a run still running, then the same run killed: no divergence, no replay recorded, nothing in "needs attention" but the run itself', async () => {
    const { directory, database } = newProject();
    const running = startCli(['run', 'wide.json', '--fixtures', 'held.yaml', '--max-concurrency', '2', ...SHAPE, '--run-id', 'busy-run'], { cwd: directory, env: ENV });
    await waitFor(() => completedEffects(database, 'busy-run') >= 3, 'the run to be under way', running.output);

    const replay = await cli(directory, 'replay', 'busy-run');
    expect(replay.exitCode).toBe(1);
    expect(replay.stdout).toBe('');
    expect(replay.stderr).toBe(`whaleflow: run busy-run is still running (pid ${running.child.pid}); replay it once it has finished (watch it with whaleflow ps)\n`);

    // The TUI's `r` on that run says the same and starts nothing.
    const store = new SqliteTraceStore(database);
    let state = initialViewState({ now: Date.now() });
    state = reduceViewState(state, { type: 'poll', now: Date.now(), batches: new StorePoller(store).poll() });
    state = reduceViewState(state, { type: 'key', key: { name: 'char', char: 'r' } });
    expect(state.pendingEffects).toEqual([]);
    expect(state.message).toBe('run busy-run is still running: replay it once it has finished');
    store.close();

    running.child.kill('SIGKILL');
    await running.finished;
    const afterCrash = await cli(directory, 'replay', 'busy-run');
    expect(afterCrash.exitCode).toBe(1);
    expect(afterCrash.stderr).toBe('whaleflow: run busy-run never finished (its process is gone), so there is no result to compare a replay with; resume it (whaleflow resume busy-run) and replay the resume\n');
    const overviews = JSON.parse((await cli(directory, 'ps', '--json')).stdout) as { runId: string; status: string }[];
    expect(overviews.map((run) => [run.runId, run.status])).toEqual([['busy-run', 'interrupted']]);
  }, 120_000);

  it('a replay killed with kill -9: ps says at once to replay the original again (a replay is never resumed); replaying or resuming the dead replay is refused with that advice', async () => {
    const { directory, database } = newProject();
    writeFileSync(join(directory, 'stall.yaml'), 'defaults:\n  latency_ms: 600000\n');
    const original = 'cccccccc-checked';
    expect((await cli(directory, 'run', 'wide.json', '--fixtures', 'fast.yaml', ...SHAPE, '--run-id', original)).exitCode).toBe(0);
    // --from leaf-0 runs that leaf live, and the stalling fixture keeps it busy until the kill.
    const replaying = startCli(['replay', original, '--from', 'leaf-0', '--fixtures', 'stall.yaml'], { cwd: directory, env: ENV });
    const replayId = (): string | undefined => queryDatabase<{ run_id: string }>(database, "SELECT run_id FROM events WHERE type = 'heartbeat' AND run_id <> ?", original)[0]?.run_id;
    await waitFor(() => replayId() !== undefined, 'the replay to record a heartbeat', replaying.output);
    replaying.child.kill('SIGKILL');
    expect((await replaying.finished).signal).toBe('SIGKILL');
    const dead = replayId()!;

    const listed = JSON.parse((await cli(directory, 'ps', '--json')).stdout) as { runId: string; status: string; suggestedAction: string | null }[];
    expect(listed.find((run) => run.runId === dead)).toMatchObject({ status: 'interrupted', suggestedAction: 'whaleflow replay cccccccc' });
    expect((await cli(directory, 'ps')).stdout).toContain('interrupted: its process is gone; → whaleflow replay cccccccc');

    const again = await cli(directory, 'replay', dead);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe(`whaleflow: run ${dead} is a replay of ${original} that never finished (its process is gone); a replay is not resumed: replay cccccccc again (whaleflow replay cccccccc)\n`);
    const resumed = await cli(directory, 'resume', dead);
    expect(resumed.exitCode).toBe(1);
    expect(resumed.stderr).toContain('a replay is checked, not resumed (whaleflow replay cccccccc)');

    // The TUI's r says the same and starts nothing.
    const store = new SqliteTraceStore(database);
    let state = initialViewState({ now: Date.now() });
    state = reduceViewState(state, { type: 'poll', now: Date.now(), batches: new StorePoller(store).poll() });
    // The dead replay needs attention, so it is listed (and selected) first.
    state = reduceViewState(state, { type: 'key', key: { name: 'char', char: 'r' } });
    expect(state.pendingEffects).toEqual([]);
    expect(state.message).toBe(`run ${dead.slice(0, 8)} is a replay that never finished: replay cccccccc again`);
    store.close();
  }, 120_000);
});
