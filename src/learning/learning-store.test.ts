import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonId } from './lesson-id.js';
import { LearningStore } from './learning-store.js';
import { openLearningDatabase } from './learning-database.js';
import { evidenceRunsOfPromoted, markLessonsStale, purgeRejectedLessons, demoteLesson } from './learning-maintenance.js';
import { EMPTY_SNAPSHOT_ID, snapshotId } from './overlay-snapshot.js';
import { addGatedLesson, sampleNote } from './testing/sample-lessons.js';

describe('LearningStore', () => {
  let directory: string;
  let store: LearningStore;
  let clock = 10_000;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'whaleflow-learning-'));
    clock = 10_000;
    store = new LearningStore(openLearningDatabase(join(directory, 'whaleflow.db')), () => clock++);
  });
  afterEach(() => {
    store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keys a lesson by the content hash of kind, content and scope; adding it twice stores it once', () => {
    const lesson = sampleNote('use named exports');
    expect(lesson.id).toBe(lessonId({ kind: lesson.kind, content: lesson.content, scope: lesson.scope } as never));
    expect(sampleNote('use named exports', {}, 99).id).toBe(lesson.id); // provenance/time do not change it
    expect(sampleNote('use named exports', { paths: ['src/**'] }).id).not.toBe(lesson.id);
    expect(store.lessons.add(lesson, ['from a test']).created).toBe(true);
    expect(store.lessons.add(lesson, ['again']).created).toBe(false);
    expect(store.lessons.all()).toHaveLength(1);
    expect(store.lessons.resolve(lesson.id.slice(0, 8)).id).toBe(lesson.id);
    expect(store.lessons.history(lesson.id).map((event) => event.status)).toEqual(['proposed']);
    expect(() => store.lessons.resolve('zz')).toThrow(/no lesson/);
  });

  it('keeps status events, lessons, snapshots and the overlay log append-only', () => {
    const lesson = addGatedLesson(store, sampleNote('a'));
    store.overlay.promote(lesson.id, ['gate passed']);
    for (const sql of [
      "UPDATE learning_lesson_events SET status = 'promoted'",
      'DELETE FROM learning_lesson_events',
      "UPDATE learning_lessons SET kind = 'note'",
      'DELETE FROM learning_snapshots',
      "UPDATE learning_overlay_log SET enabled = 0",
      'DELETE FROM learning_gate_decisions',
    ]) {
      expect(() => store.database.exec(sql), sql).toThrow(/append-only/);
    }
  });

  it('promotes only a lesson with a passing gate decision, and every change is a new snapshot in the log', () => {
    const gated = addGatedLesson(store, sampleNote('gated'));
    const ungated = sampleNote('not gated');
    store.lessons.add(ungated, ['proposed']);
    expect(() => store.overlay.promote(ungated.id, ['?'])).toThrow(/no passing gate decision/);
    expect(store.overlay.head()).toMatchObject({ snapshotId: EMPTY_SNAPSHOT_ID, lessonIds: [], enabled: true });

    const promoted = store.overlay.promote(gated.id, ['screen and validate passed']);
    expect(promoted.snapshotId).toBe(snapshotId([gated.id]));
    expect(store.lessons.status(gated.id)).toBe('promoted');
    const reverted = store.overlay.revert(gated.id, 'user asked');
    expect(reverted.snapshotId).toBe(EMPTY_SNAPSHOT_ID);
    expect(store.lessons.status(gated.id)).toBe('reverted');
    expect(() => store.overlay.revert(gated.id, 'twice')).toThrow(/not in the overlay/);

    const rolledBack = store.overlay.rollback(promoted.snapshotId.slice(0, 10), 'it was better');
    expect(rolledBack.lessonIds).toEqual([gated.id]);
    expect(store.lessons.status(gated.id)).toBe('promoted');
    expect(store.overlay.setEnabled(false, 'pause').enabled).toBe(false);
    expect(store.overlay.head()).toMatchObject({ enabled: false, lessonIds: [gated.id] });
    expect(store.overlay.log().map((entry) => entry.action)).toEqual(['promote', 'revert', 'rollback', 'disable']);
    expect(store.overlay.log()[1]).toMatchObject({ previousSnapshotId: promoted.snapshotId, snapshotId: EMPTY_SNAPSHOT_ID });
  });

  it('never rolls back onto a lesson rejected since it was in the overlay', () => {
    const lesson = addGatedLesson(store, sampleNote('later rejected'));
    const withIt = store.overlay.promote(lesson.id, ['passed']);
    store.overlay.revert(lesson.id, 'second thoughts');
    store.lessons.recordGateDecision({ lessonId: lesson.id, stage: 'validate', decision: 'reject', againstSnapshot: EMPTY_SNAPSHOT_ID, reasons: ['no benefit'], figures: {} });
    store.lessons.appendStatus(lesson.id, 'rejected', ['no benefit']);
    expect(() => store.overlay.rollback(withIt.snapshotId, 'try')).toThrow(/rejected since/);
    expect(() => store.overlay.promote(lesson.id, ['try'])).toThrow(/no passing gate decision/);
    expect(store.overlay.head().lessonIds).toEqual([]);
  });

  it('gives the janitor stale marking, demotion with figures, evidence runs and a purge of old rejected lessons', () => {
    const kept = addGatedLesson(store, sampleNote('kept'));
    const stale = addGatedLesson(store, sampleNote('goes stale'));
    const demoted = addGatedLesson(store, sampleNote('demoted'));
    for (const lesson of [kept, stale, demoted]) store.overlay.promote(lesson.id, ['passed']);
    store.lessons.recordReplay({ lessonId: kept.id, againstSnapshot: EMPTY_SNAPSHOT_ID, baselineRunId: 'base-1', candidateRunId: 'cand-1', result: {} });
    markLessonsStale(store, [stale.id], ['src/a.ts changed'], { files: ['src/a.ts'] });
    demoteLesson(store, demoted.id, ['cost rose in the last 10 runs'], { costDelta: 120 });
    expect(store.overlay.head().lessonIds).toEqual([kept.id]);
    expect(store.lessons.status(stale.id)).toBe('stale');
    expect(store.lessons.history(demoted.id).at(-1)).toMatchObject({ status: 'demoted', data: { figures: { costDelta: 120 } } });
    expect([...evidenceRunsOfPromoted(store)].sort()).toEqual(['base-1', 'cand-1', 'run-1']);

    const rejected = sampleNote('rejected');
    store.lessons.add(rejected, ['proposed']);
    store.lessons.appendStatus(rejected.id, 'rejected', ['no benefit']);
    expect(purgeRejectedLessons(store, 1_000_000)).toEqual({ purged: [], kept: 1 });
    clock += 2_000_000;
    expect(purgeRejectedLessons(store, 1_000_000)).toEqual({ purged: [rejected.id], kept: 0 });
    expect(store.lessons.get(rejected.id)).toBeUndefined();
    expect(store.lessons.get(kept.id)).toBeDefined();
    // The append-only guard is back on after the purge.
    expect(() => store.database.exec('DELETE FROM learning_lesson_events')).toThrow(/append-only/);
  });

  it('reports a database that is not SQLite with the path and what to do', () => {
    const bogus = join(directory, 'not-a-db');
    writeFileSync(bogus, 'this is not a database, just text '.repeat(200));
    expect(() => openLearningDatabase(bogus)).toThrow(/cannot use .*not-a-db for lessons and the overlay/);
  });

  it('shares the project database with the trace tables without touching user_version', () => {
    const path = join(directory, 'shared.db');
    const database = new Database(path);
    database.pragma('user_version = 2');
    database.close();
    new LearningStore(openLearningDatabase(path)).close();
    const reopened = new Database(path);
    expect(reopened.pragma('user_version', { simple: true })).toBe(2);
    expect(reopened.prepare("SELECT version FROM component_schema WHERE component = 'learning'").get()).toEqual({ version: 1 });
    reopened.close();
  });
});
