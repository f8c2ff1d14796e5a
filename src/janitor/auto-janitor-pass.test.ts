import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { janitorProject, REPOSITORY_ROOT, type JanitorProject } from './testing/janitor-project.js';

describe('janitor.auto', () => {
  let project: JanitorProject | undefined;
  afterEach(() => project?.remove());

  it('is off by default: runs leave no janitor pass', async () => {
    project = janitorProject('  max_database_mb: 1024\n');
    await project.run('workflows/review_fanout.yaml');
    expect((await project.cli(['janitor', '--history'])).stdout).toBe('no janitor pass has been applied\n');
  }, 120_000);

  it('when on, applies a pass after a run finishes, at most once per auto_interval_minutes', async () => {
    project = janitorProject('  auto: true\n  auto_interval_minutes: 60\n  compaction: { enabled: true, after_days: 0 }\n');
    copyFileSync(join(REPOSITORY_ROOT, 'workflows', 'review_fanout.yaml'), join(project.root, 'review_fanout.yaml'));
    const first = await project.cli(['run', 'review_fanout.yaml']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/janitor \(auto\): pass 1: runs compacted 1/);
    const second = await project.cli(['run', 'review_fanout.yaml']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('janitor (auto)');
    const history = await project.cli(['janitor', '--history', '--json']);
    const passes = JSON.parse(history.stdout) as { trigger: string; triggerRunId: string | null; outcome: string }[];
    expect(passes).toHaveLength(1);
    expect(passes[0]).toMatchObject({ trigger: 'auto', outcome: 'completed' });
    expect(passes[0]!.triggerRunId).toMatch(/^[0-9a-f-]{36}$/);
  }, 120_000);
});

describe('storageLine (the TUI footer)', () => {
  it('shows the database, the memo and the last pass', async () => {
    const { storageLine } = await import('./storage-line.js');
    const { openProjectTrace } = await import('../trace/index.js');
    const project = janitorProject('  compaction: { enabled: true, after_days: 0 }\n');
    try {
      await project.run('workflows/review_fanout.yaml');
      const before = openProjectTrace({ cwd: project.root, env: project.env });
      expect(storageLine(before.database, before.path, Date.now())).toMatch(/^db \d+\.\d KiB \(.* free\) · memo 0 entries, 0 B, 0 stale · janitor: no pass yet$/);
      before.close();
      await project.cli(['janitor', '--apply']);
      const after = openProjectTrace({ cwd: project.root, env: project.env });
      expect(storageLine(after.database, after.path, Date.now())).toMatch(/janitor: pass 1 just now, completed$/);
      after.close();
    } finally {
      project.remove();
    }
  }, 120_000);
});
