import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec } from '../../runs/testing/record-mock-run.js';
import { SqliteTraceStore } from '../../trace/index.js';
import { fakeRunEvents } from '../../trace/testing/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

async function projectWithRuns(): Promise<{ cwd: string; db: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-ps-'));
  const db = join(cwd, 'trace.db');
  const store = new SqliteTraceStore(db);
  store.appendEvents((await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'aaaa1111-review' })).events);
  // A run whose process is gone: a heartbeat from a pid that cannot exist, and no run_finished.
  store.appendEvents([...fakeRunEvents({ runId: 'dddd4444-dead', unfinished: true, startAt: Date.now() }), { type: 'heartbeat', runId: 'dddd4444-dead', at: Date.now(), pid: 2 ** 22 + 12345 }]);
  store.close();
  return { cwd, db };
}

describe('whaleflow ps', () => {
  it('groups runs, shows the slowest leaf and marks a dead run interrupted with resume as the next step', async () => {
    const { cwd, db } = await projectWithRuns();
    const result = await runCliInMemory(['ps', '--db', db], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Needs attention \(1\)\n.*dddd4444.*interrupted/);
    expect(result.stdout).toContain('→ whaleflow resume dddd4444');
    expect(result.stdout).toMatch(/Done \(1\)\n.*aaaa1111.*succeeded\s+3\/3 leaves.*slowest: design 4s/);
    expect(result.stdout).toMatch(/dddd4444.*\$0\.0000\d\d/);
  });

  it('prints overviews as JSON for scripts, and works under the alias', async () => {
    const { cwd, db } = await projectWithRuns();
    const result = await runCliInMemory(['workflows', '--json', '--db', db], { cwd });
    const runs = JSON.parse(result.stdout) as { runId: string; status: string; leavesDone: number }[];
    expect(runs.map((run) => [run.runId, run.status])).toEqual([
      ['dddd4444-dead', 'interrupted'],
      ['aaaa1111-review', 'succeeded'],
    ]);
  });

  it('says there are no runs when the project has no trace yet', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-ps-empty-'));
    const result = await runCliInMemory(['ps'], { cwd, env: { ...process.env, WHALEFLOW_HOME: '' } });
    expect(result.stdout).toContain('No runs yet');
  });
});

describe('whaleflow cancel', () => {
  it('records a request for a running run and names an unknown run clearly (exit 1)', async () => {
    const { cwd, db } = await projectWithRuns();
    const store = new SqliteTraceStore(db);
    store.appendEvents([...fakeRunEvents({ runId: 'eeee5555-live', unfinished: true, startAt: Date.now() }), { type: 'heartbeat', runId: 'eeee5555-live', at: Date.now(), pid: process.pid }]);
    store.close();
    const cancelled = await runCliInMemory(['cancel', 'eeee', '--db', db], { cwd });
    expect(cancelled.stdout).toContain('cancel requested for run eeee5555-live');
    const reader = new SqliteTraceStore(db);
    expect(reader.readCancelRequests('eeee5555-live')).toHaveLength(1);
    reader.close();
    const dead = await runCliInMemory(['cancel', 'dddd', '--db', db], { cwd });
    expect(dead.stdout).toContain('is interrupted (its process is gone); nothing to cancel — continue it with `whaleflow resume dddd4444`');
    const unknown = await runCliInMemory(['cancel', 'ffff', '--db', db], { cwd });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('no run matches "ffff"');
    const finished = await runCliInMemory(['cancel', 'aaaa', '--db', db], { cwd });
    expect(finished.stdout).toContain('already finished (succeeded)');
  });
});
