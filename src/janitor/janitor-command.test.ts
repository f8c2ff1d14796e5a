import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { janitorProject, type JanitorProject } from './testing/janitor-project.js';

interface Row {
  what: string;
  count: number;
  bytes: number;
}

const COMPACT_NOW = '  auto: false\n  compaction: { enabled: true, after_days: 0 }\n';

describe('whaleflow janitor', () => {
  let project: JanitorProject | undefined;
  afterEach(() => project?.remove());

  it('a dry run prints the table and leaves the database byte for byte as it was; --apply does what it printed and records the pass', async () => {
    project = janitorProject(COMPACT_NOW);
    const first = await project.run('workflows/review_fanout.yaml');
    await project.run('workflows/review_fanout.yaml');
    const before = project.fingerprint();
    const dry = await project.cli(['janitor']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing changed');
    expect(dry.stdout).toMatch(/runs compacted\s+2\s/);
    const dryJson = await project.cli(['janitor', '--json']);
    const planned = JSON.parse(dryJson.stdout) as { applied: boolean; rows: Row[] };
    expect(planned.applied).toBe(false);
    expect(project.fingerprint()).toBe(before);

    const applied = await project.cli(['janitor', '--apply', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const outcome = JSON.parse(applied.stdout) as { applied: boolean; pass: number; rows: Row[] };
    const compacted = (rows: Row[]) => rows.find((row) => row.what === 'runs compacted')!;
    expect(compacted(outcome.rows).count).toBe(compacted(planned.rows).count);
    expect(compacted(outcome.rows).bytes).toBe(compacted(planned.rows).bytes);

    const again = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as { rows: Row[] };
    expect(compacted(again.rows).count).toBe(0);
    const history = await project.cli(['janitor', '--history']);
    expect(history.stdout).toMatch(/janitor pass 1 \(manual\) at .*: completed/);
    const inspect = await project.cli(['inspect', first]);
    expect(inspect.stdout).toContain(`was compacted by janitor pass ${outcome.pass}`);

    const replay = await project.cli(['replay', first]);
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
  }, 120_000);

  it('a pinned run is kept whole until it is unpinned', async () => {
    project = janitorProject(COMPACT_NOW);
    const pinned = await project.run('workflows/review_fanout.yaml');
    const pin = await project.cli(['pin', pinned.slice(0, 8), '--note', 'baseline']);
    expect(pin.stdout).toContain(`run ${pinned} pinned`);
    const list = await project.cli(['pin', '--list']);
    expect(list.stdout).toContain(`${pinned}  pinned`);
    const dry = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as { rows: Row[]; plan: { kept: { pinned: number } } };
    expect(dry.rows.find((row) => row.what === 'runs compacted')!.count).toBe(0);
    expect(dry.plan.kept.pinned).toBe(1);
    await project.cli(['pin', pinned, '--unpin']);
    const after = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as { rows: Row[] };
    expect(after.rows.find((row) => row.what === 'runs compacted')!.count).toBe(1);
  }, 120_000);

  it('over the database cap, deletes the oldest successful unpinned runs first, says why in inspect, and vacuums', async () => {
    project = janitorProject('  max_database_mb: 0.001\n  keep_recent_runs: 1\n  compaction: { enabled: false }\n');
    const oldest = await project.run('workflows/review_fanout.yaml');
    const pinned = await project.run('workflows/review_fanout.yaml');
    await project.cli(['pin', pinned]);
    const newest = await project.run('workflows/review_fanout.yaml');
    const applied = await project.cli(['janitor', '--apply', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const outcome = JSON.parse(applied.stdout) as { rows: Row[]; plan: { notes: string[] } };
    expect(outcome.rows.find((row) => row.what === 'runs deleted (database cap)')!.count).toBe(1);
    expect(outcome.plan.notes.join('\n')).toContain('stays over its cap');
    const psText = await project.cli(['ps']);
    expect(psText.stdout).toMatch(/janitor pass 1 \(manual\) at .*: completed, file .* — runs deleted \(database cap\) 1 \(whaleflow janitor --history; inspect RUN says what it did to a run\)/);
    const ps = await project.cli(['ps', '--json']);
    expect(ps.stdout).toContain(pinned);
    expect(ps.stdout).toContain(newest);
    expect(ps.stdout).not.toContain(oldest);
    const inspect = await project.cli(['inspect', oldest]);
    expect(inspect.exitCode).not.toBe(0);
    expect(inspect.stderr).toContain(`was deleted by janitor pass 1`);
    expect(inspect.stderr).toContain('database over its cap');
    const database = new Database(project.databasePath, { readonly: true });
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(database.pragma('auto_vacuum', { simple: true })).toBe(2);
    } finally {
      database.close();
    }
  }, 120_000);

  it('keeps a failed run whole: never compacted, never deleted for the cap, and it still replays identical', async () => {
    const failing = "leaves:\n  - match: {id: correctness}\n    failure: {kind: terminal, message: reviewer crashed}\n";
    project = janitorProject('  max_database_mb: 0.001\n  keep_recent_runs: 1\n  compaction: { enabled: true, after_days: 0 }\n', { files: { 'failing.fixtures.yaml': failing } });
    const failed = await project.run('workflows/review_fanout.yaml', ['--fixtures', 'failing.fixtures.yaml']);
    const succeeded = await project.run('workflows/review_fanout.yaml');
    await project.run('workflows/review_fanout.yaml');
    const applied = await project.cli(['janitor', '--apply', '--json']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const outcome = JSON.parse(applied.stdout) as { rows: Row[]; plan: { kept: { unsuccessful: number } } };
    expect(outcome.plan.kept.unsuccessful).toBe(1);
    const ps = (await project.cli(['ps', '--json'])).stdout;
    expect(ps).toContain(failed);
    expect(ps).not.toContain(succeeded);
    const inspect = await project.cli(['inspect', failed]);
    expect(inspect.stdout).toContain('reviewer crashed');
    expect(inspect.stdout).not.toContain('compacted by janitor');
    const replay = await project.cli(['replay', failed]);
    expect(replay.stdout).toContain('ran 0 live');
    expect(replay.stdout).toContain('parity: identical');
  }, 120_000);
});

