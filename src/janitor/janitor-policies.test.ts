import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteMemoryStore } from '../memory/index.js';
import { loadConfig, routeScope, routeScopeText } from '../config/index.js';
import { makeLesson, openLearningStore } from '../learning/index.js';
import { addGatedLesson, sampleNote, TEST_REPOSITORY } from '../learning/testing/sample-lessons.js';
import { SqliteMemoStore, type MemoEntry } from '../memo/index.js';
import { verdictOf } from './plan-lessons.js';
import { janitorProject, type JanitorProject } from './testing/janitor-project.js';

interface Outcome {
  rows: { what: string; count: number; bytes: number }[];
}
const row = (outcome: Outcome, what: string) => outcome.rows.find((entry) => entry.what === what)!;

function memoEntry(key: string, scope: string, createdAtMs: number, text = 'answer'): MemoEntry {
  return {
    key,
    route: { provider: 'mock', model: 'mock-default' },
    response: { text, toolCalls: [], finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 3, cacheHitInputTokens: 0, cacheMissInputTokens: 10 } },
    deterministic: true,
    createdAtMs,
    scope,
  };
}

describe('janitor policies', () => {
  let project: JanitorProject | undefined;
  afterEach(() => project?.remove());

  it('marks memo entries from another model revision stale (never served again), then evicts stale first and the least recently used', async () => {
    project = janitorProject('  compaction: { enabled: false }\n  memo: { max_entries: 2 }\n');
    await project.run('workflows/review_fanout.yaml');
    const config = loadConfig({ cwd: project.root, env: project.env });
    const current = routeScopeText(routeScope(config, { provider: 'mock', model: 'mock-default' })!);
    const older = current.replace('"revision":null', '"revision":"weights-v1"');
    expect(older).not.toBe(current);
    const store = new SqliteMemoStore(project.databasePath);
    store.clear();
    store.put(memoEntry('k-stale', older, 1_000));
    store.put(memoEntry('k-old', current, 2_000));
    store.put(memoEntry('k-used', current, 3_000));
    store.put(memoEntry('k-new', current, 4_000));
    store.touch('k-used', 9_000);
    store.close();

    const dry = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as Outcome & { plan: { memo: { stale: { key: string; reason: string }[]; evict: { key: string }[] } } };
    expect(dry.plan.memo.stale).toEqual([expect.objectContaining({ key: 'k-stale', reason: 'model revision changed (weights-v1 → none)' })]);
    expect(dry.plan.memo.evict.map((change) => change.key)).toEqual(['k-stale', 'k-old']);

    const applied = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as Outcome;
    expect(row(applied, 'memo entries marked stale').count).toBe(1);
    expect(row(applied, 'memo entries evicted')).toMatchObject({ count: 2 });
    expect(row(applied, 'memo entries evicted').bytes).toBeGreaterThan(0);
    const after = new SqliteMemoStore(project.databasePath);
    expect([...after.entries()].map((entry) => entry.key).sort()).toEqual(['k-new', 'k-used']);
    after.close();
    const stats = await project.cli(['memo', 'stats']);
    expect(stats.stdout).toMatch(/entries\s+2 \(0 stale\)/);
    expect(stats.stdout).toMatch(/janitor\s+janitor pass 1 \(manual\) at .*: completed/);
  }, 120_000);

  it('marks a lesson whose scoped file changed stale, demotes one unused for N runs with its figures, and purges an old rejected one', async () => {
    project = janitorProject('  compaction: { enabled: false }\n  lessons: { unused_runs: 2, rejected_retention_days: 1 }\n');
    await project.run('workflows/review_fanout.yaml');
    const learning = openLearningStore({ cwd: project.root, env: project.env, now: () => 1_000 });
    const stale = makeLesson(
      { kind: 'note', content: { text: 'readme rule' }, scope: { repository: TEST_REPOSITORY, paths: ['README.md'], roles: ['implementer'], agent_types: [], model_family: null, workflows: [] } },
      { title: 'note: readme rule', provenance: { runs: ['run-1'], nodes: [], proposer: { type: 'rule', rule: 'test' }, parents: [] }, invalidation: { files: { 'README.md': '0'.repeat(40) } }, createdAt: 1_000 },
    );
    const unused = sampleNote('unused');
    for (const lesson of [stale, unused]) {
      addGatedLesson(learning, lesson);
      learning.overlay.promote(lesson.id, ['passed']);
    }
    const rejected = sampleNote('rejected long ago');
    learning.lessons.add(rejected, ['proposed']);
    learning.lessons.appendStatus(rejected.id, 'rejected', ['no benefit']);
    learning.close();
    await project.run('workflows/review_fanout.yaml');

    const applied = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as Outcome;
    expect(row(applied, 'lessons marked stale').count).toBe(1);
    expect(row(applied, 'lessons demoted').count).toBe(1);
    expect(row(applied, 'rejected lessons purged').count).toBe(1);
    const reopened = openLearningStore({ cwd: project.root, env: project.env });
    try {
      expect(reopened.overlay.head().lessonIds).toEqual([]);
      expect(reopened.lessons.status(stale.id)).toBe('stale');
      expect(reopened.lessons.history(unused.id).at(-1)).toMatchObject({ status: 'demoted', reasons: ['not applied in the last 2 finished runs (janitor.lessons.unused_runs 2)'], data: { figures: { runsApplied: 0 } } });
      expect(reopened.lessons.get(rejected.id)).toBeUndefined();
    } finally {
      reopened.close();
    }
  }, 120_000);

  it('keeps the runs a promoted lesson rests on whole (not compacted, not deleted for the cap) until the lesson leaves the overlay', async () => {
    project = janitorProject('  max_database_mb: 0.001\n  keep_recent_runs: 1\n  compaction: { enabled: true, after_days: 0 }\n');
    const evidence = await project.run('workflows/review_fanout.yaml');
    const learning = openLearningStore({ cwd: project.root, env: project.env, now: () => 1_000 });
    const lesson = makeLesson(
      { kind: 'note', content: { text: 'rests on a real run' }, scope: { repository: TEST_REPOSITORY, paths: [], roles: ['implementer'], agent_types: [], model_family: null, workflows: [] } },
      { title: 'note: rests on a real run', provenance: { runs: [evidence], nodes: [], proposer: { type: 'rule', rule: 'test' }, parents: [] }, invalidation: {}, createdAt: 1_000 },
    );
    addGatedLesson(learning, lesson);
    learning.overlay.promote(lesson.id, ['passed']);
    learning.close();
    await project.run('workflows/review_fanout.yaml');
    await project.run('workflows/review_fanout.yaml');

    const applied = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as Outcome & { plan: { kept: { evidence: number } } };
    expect(applied.plan.kept.evidence).toBe(1);
    expect((await project.cli(['ps', '--json'])).stdout).toContain(evidence);
    const inspect = await project.cli(['inspect', evidence]);
    expect(inspect.stdout).not.toContain('compacted by janitor');
    expect((await project.cli(['replay', evidence])).stdout).toContain('parity: identical');

    const demoting = openLearningStore({ cwd: project.root, env: project.env });
    demoting.overlay.remove(lesson.id, 'demoted', ['test: no longer wanted']);
    demoting.close();
    const after = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as Outcome & { plan: { kept: { evidence: number } } };
    expect(after.plan.kept.evidence).toBe(0);
  }, 120_000);

  it('removes worktrees a finished run left under .whaleflow/worktrees, keeps saved diffs and a fresh directory of an unknown run', async () => {
    project = janitorProject('  compaction: { enabled: false }\n');
    const finished = await project.run('workflows/review_fanout.yaml');
    const runDirectory = join(project.root, '.whaleflow', 'worktrees', finished);
    mkdirSync(runDirectory, { recursive: true });
    project.repository.git('worktree', 'add', '--detach', '--quiet', join(runDirectory, 'writer'), 'HEAD');
    writeFileSync(join(runDirectory, 'other.stopped.diff'), '--- a/x\n+++ b/x\n');
    const unknown = join(project.root, '.whaleflow', 'worktrees', 'run-from-elsewhere', 'leaf');
    mkdirSync(unknown, { recursive: true });

    const dry = JSON.parse((await project.cli(['janitor', '--json'])).stdout) as Outcome & { plan: { worktrees: { path: string; reason: string }[] } };
    expect(dry.plan.worktrees).toEqual([expect.objectContaining({ path: join(runDirectory, 'writer'), reason: `left by run ${finished.slice(0, 8)}, which is no longer running` })]);
    expect(existsSync(join(runDirectory, 'writer'))).toBe(true);
    const applied = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as Outcome;
    expect(row(applied, 'orphaned worktrees removed').count).toBe(1);
    expect(existsSync(join(runDirectory, 'writer'))).toBe(false);
    expect(project.repository.git('worktree', 'list')).not.toContain('writer');
    expect(existsSync(join(runDirectory, 'other.stopped.diff'))).toBe(true);
    expect(existsSync(unknown)).toBe(true);
  }, 120_000);

  it('removes unpinned memory contexts not loaded for memory_max_age_days, never a pinned one', async () => {
    project = janitorProject('  compaction: { enabled: false }\n  memory_max_age_days: 1\n');
    await project.run('workflows/review_fanout.yaml');
    new SqliteMemoryStore(project.databasePath, { repository: 'git:test' }).close();
    const database = new Database(project.databasePath);
    try {
      database.prepare('INSERT INTO memory_texts (hash, bytes, lines, chunks, created_at) VALUES (?, ?, ?, ?, ?)').run('h1', 1234, 10, 0, 1_000);
      for (const [name, pinned] of [['old_log', 0], ['kept_spec', 1]] as const) {
        database.prepare('INSERT INTO memory_contexts (repository, name, hash, pinned, updated_at) VALUES (?, ?, ?, ?, ?)').run('git:test', name, 'h1', pinned, 1_000);
      }
    } finally {
      database.close();
    }
    const applied = JSON.parse((await project.cli(['janitor', '--apply', '--json'])).stdout) as Outcome;
    expect(row(applied, 'memory contexts removed').count).toBe(1);
    const store = new SqliteMemoryStore(project.databasePath, { repository: 'git:test' });
    expect(store.list().map((context) => context.name)).toEqual(['kept_spec']);
    store.close();
  }, 120_000);

  it('judges A/B figures: a regression or no benefit over K runs demotes, fewer than K runs do not', () => {
    const side = (runs: number, successRate: number) => ({ runs, succeeded: Math.round(runs * successRate), successRate, meanWorkTokens: 100, meanCostMicrousd: 10, meanSteps: 5, meanWallMs: 1 });
    const figures = (runsApplied: number, delta: { workTokens: number; costMicrousd: number; steps: number; successPoints: number }) => ({
      lessonId: 'l',
      title: 't',
      runsApplied,
      lastAppliedAt: 1,
      withLesson: side(runsApplied, 1),
      withoutLesson: side(4, 1),
      delta,
    });
    expect(verdictOf(figures(10, { workTokens: -50, costMicrousd: -5, steps: -1, successPoints: -10 }), 10)).toMatch(/^regression: success -10 points/);
    expect(verdictOf(figures(10, { workTokens: 0, costMicrousd: 3, steps: 0, successPoints: 0 }), 10)).toMatch(/^no benefit over its last 10 runs/);
    expect(verdictOf(figures(10, { workTokens: -40, costMicrousd: -2, steps: 0, successPoints: 0 }), 10)).toBeNull();
    expect(verdictOf(figures(9, { workTokens: 10, costMicrousd: 3, steps: 1, successPoints: -20 }), 10)).toBeNull();
  });
});
