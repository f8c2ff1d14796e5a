import { afterEach, describe, expect, it } from 'vitest';
import { RunLocks, runLockKey } from '../runs/index.js';
import { openProjectTrace } from '../trace/index.js';
import { JANITOR_LOCK_KEY } from './run-janitor-pass.js';
import { janitorProject, type JanitorProject } from './testing/janitor-project.js';

const COMPACT_NOW = '  auto: false\n  compaction: { enabled: true, after_days: 0 }\n';

/** Holds a lock as another live process would (this process is alive, so the holder is live). */
function hold(project: JanitorProject, key: string, purpose: string): () => void {
  const trace = openProjectTrace({ cwd: project.root, env: project.env });
  const lock = new RunLocks(trace.database).acquire(key, purpose, { detail: 'held by the test' });
  return () => {
    lock.release();
    trace.close();
  };
}

describe('the janitor never interleaves with another pass or a resume', () => {
  let project: JanitorProject | undefined;
  afterEach(() => project?.remove());

  it('refuses a second pass while one holds the janitor lock, with a clear message and no stack trace', async () => {
    project = janitorProject(COMPACT_NOW);
    await project.run('workflows/review_fanout.yaml');
    const release = hold(project, JANITOR_LOCK_KEY, 'janitor');
    const refused = await project.cli(['janitor', '--apply']);
    release();
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/another janitor pass is in progress \(pid \d+, since /);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const applied = await project.cli(['janitor', '--apply']);
    expect(applied.exitCode, applied.stderr).toBe(0);
  }, 120_000);

  it('leaves a run chain that a resume holds alone, and takes it on the next pass', async () => {
    project = janitorProject(COMPACT_NOW);
    const held = await project.run('workflows/review_fanout.yaml');
    const other = await project.run('workflows/review_fanout.yaml');
    const release = hold(project, runLockKey(held), 'resume');
    const first = await project.cli(['janitor', '--apply', '--json']);
    release();
    expect(first.exitCode, first.stderr).toBe(0);
    const outcome = JSON.parse(first.stdout) as { skipped: string[]; rows: { what: string; count: number }[] };
    expect(outcome.skipped.join('\n')).toContain(`left run ${held.slice(0, 8)} alone: run ${held} is being resumed`);
    expect(outcome.rows.find((row) => row.what === 'runs compacted')!.count).toBe(1);
    expect((await project.cli(['inspect', other])).stdout).toContain('was compacted by janitor pass 1');
    const second = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as { rows: { what: string; count: number }[] };
    expect(second.rows.find((row) => row.what === 'runs compacted')!.count).toBe(1);
    expect((await project.cli(['inspect', held])).stdout).toContain('was compacted by janitor pass 2');
  }, 120_000);
});
