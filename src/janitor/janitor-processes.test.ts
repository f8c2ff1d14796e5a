// The janitor against real processes: a live run in another process while a pass is applied,
// and a pass killed with SIGKILL midway. Polls with generous bounds; never asserts on timings.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli } from '../runs/testing/spawn-cli.js';
import { openProjectTrace } from '../trace/index.js';
import { fakeRunEvents } from '../trace/testing/index.js';
import { janitorProject, REPOSITORY_ROOT, type JanitorProject } from './testing/janitor-project.js';
import { copyFileSync } from 'node:fs';

const SLOW_FIXTURE = `
leaves:
  - match: { id: correctness }
    latency_ms: 25000
`;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, bound = 240_000): Promise<T> {
  const deadline = Date.now() + bound;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the janitor and other processes', () => {
  let project: JanitorProject | undefined;
  afterEach(() => project?.remove());

  it('a pass during a live run in another process leaves it alone; the run finishes and replays identical', async () => {
    project = janitorProject('  max_database_mb: 0.001\n  keep_recent_runs: 0\n  compaction: { enabled: true, after_days: 0 }\n');
    const older = await project.run('workflows/review_fanout.yaml');
    copyFileSync(join(REPOSITORY_ROOT, 'workflows', 'review_fanout.yaml'), join(project.root, 'live.yaml'));
    writeFileSync(join(project.root, 'slow.fixtures.yaml'), SLOW_FIXTURE);
    const live = startCli(['run', 'live.yaml', '--fixtures', 'slow.fixtures.yaml', '--json'], { cwd: project.root, env: { ...process.env, ...project.env } });
    const liveId = await until('the live run to start', async () => {
      const ps = JSON.parse((await project!.cli(['ps', '--json'])).stdout) as { runId: string; status: string }[];
      return ps.find((run) => run.runId !== older && run.status === 'running')?.runId;
    });
    const applied = await project.cli(['janitor', '--apply', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const outcome = JSON.parse(applied.stdout) as { plan: { kept: { alive: number }; runs: { compact: { runId: string }[]; delete: { runIds: string[] }[] } } };
    expect(outcome.plan.kept.alive).toBe(1);
    const touched = [...outcome.plan.runs.compact.map((run) => run.runId), ...outcome.plan.runs.delete.flatMap((chain) => chain.runIds)];
    expect(touched).toContain(older);
    expect(touched).not.toContain(liveId);

    const finished = await live.finished;
    expect(finished.code, live.output()).toBe(0);
    expect((JSON.parse(finished.stdout) as { status: string }).status).toBe('succeeded');
    const replay = await project.cli(['replay', liveId]);
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
  }, 300_000);

  it('kill -9 during --apply leaves an intact database; the next pass takes the lock over and finishes the work', async () => {
    project = janitorProject('  max_database_mb: 0.5\n  keep_recent_runs: 10\n  compaction: { enabled: true, after_days: 1 }\n');
    const trace = openProjectTrace({ cwd: project.root, env: project.env });
    for (let index = 0; index < 600; index++) {
      const runId = `fake-${String(index).padStart(4, '0')}`;
      trace.appendEvents(fakeRunEvents({ runId, leafCount: 12, startAt: 1_000 + index * 100, outputOf: (leaf) => `${runId} leaf ${leaf} `.repeat(60) }));
    }
    trace.close();
    const pass = startCli(['janitor', '--apply'], { cwd: project.root, env: { ...process.env, ...project.env } });
    const reader = () => new Database(project!.databasePath, { readonly: true, fileMustExist: true });
    await until('the pass to record its first action', () => {
      const database = reader();
      try {
        const hasTable = database.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'janitor_actions'").get() !== undefined;
        return hasTable && (database.prepare('SELECT COUNT(*) AS n FROM janitor_actions').get() as { n: number }).n > 0 ? true : undefined;
      } finally {
        database.close();
      }
    });
    pass.child.kill('SIGKILL');
    const killed = await pass.finished;
    expect(killed.signal).toBe('SIGKILL');

    const database = reader();
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      database.close();
    }
    const history = await project.cli(['janitor', '--history']);
    expect(history.stdout).toMatch(/janitor pass 1 \(manual\) at .*: interrupted or still running/);
    const next = await project.cli(['janitor', '--apply', '--json']);
    expect(next.exitCode, next.stderr).toBe(0);
    const reopened = openProjectTrace({ cwd: project.root, env: project.env });
    try {
      expect(reopened.integrityCheck()).toBe('ok');
      // Every run left reads back whole: events decode and blobs verify.
      for (const run of reopened.listRuns()) expect(reopened.events(run.runId).length).toBeGreaterThan(0);
    } finally {
      reopened.close();
    }
  }, 300_000);
});
