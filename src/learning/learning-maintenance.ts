import type { LearningStore } from './learning-store.js';
import type { OverlayHead } from './overlay-store.js';

/**
 * What the janitor (and anything else that keeps learning bounded) may do to lessons. Every
 * change is an appended status event; the overlay moves in the same transaction.
 */

/** Marks lessons stale (their scoped files, model or configuration changed) and takes them out of the overlay. */
export function markLessonsStale(store: LearningStore, lessonIds: readonly string[], reasons: readonly string[], data?: Readonly<Record<string, unknown>>): OverlayHead {
  let head = store.overlay.head();
  for (const id of lessonIds) head = store.overlay.remove(id, 'stale', reasons, data);
  return head;
}

/** Demotes a promoted lesson whose A/B figures turned (recorded with them) and takes it out of the overlay. */
export function demoteLesson(store: LearningStore, lessonId: string, reasons: readonly string[], figures: Readonly<Record<string, unknown>>): OverlayHead {
  return store.overlay.remove(lessonId, 'demoted', reasons, { figures });
}

/**
 * Runs that must be kept whole because a lesson in the overlay rests on them: each promoted
 * lesson's evidence runs and the baseline and candidate runs of its student replays.
 */
export function evidenceRunsOfPromoted(store: LearningStore): Set<string> {
  const runs = new Set<string>();
  for (const id of store.overlay.head().lessonIds) {
    const lesson = store.lessons.get(id);
    for (const run of lesson?.provenance.runs ?? []) runs.add(run);
    for (const replay of store.lessons.replays(id)) {
      runs.add(replay.baselineRunId);
      runs.add(replay.candidateRunId);
    }
  }
  return runs;
}

export interface PurgeReport {
  readonly purged: readonly string[];
  /** Rejected lessons kept because they are younger than the retention period. */
  readonly kept: number;
}

/**
 * Deletes rejected lessons (with their events, gate decisions and replay records) whose
 * rejection is older than `retentionMs`. A lesson in any overlay snapshot is never deleted.
 * The tables are append-only; this is the one maintenance pass allowed to delete, inside one
 * transaction that holds the maintenance token.
 */
export function purgeRejectedLessons(store: LearningStore, retentionMs: number): PurgeReport {
  const cutoff = store.now() - retentionMs;
  const inSnapshots = new Set(store.overlay.snapshots().flatMap((snapshot) => snapshot.lessonIds));
  const rejected = store.lessons.list({ statuses: ['rejected'] }).filter((summary) => !inSnapshots.has(summary.lesson.id));
  const due = rejected.filter((summary) => summary.statusAt <= cutoff).map((summary) => summary.lesson.id);
  if (due.length === 0) return { purged: [], kept: rejected.length };
  const database = store.database;
  store.transaction(() => {
    database.prepare("INSERT INTO learning_maintenance (token) VALUES ('purge')").run();
    for (const table of ['learning_lesson_events', 'learning_gate_decisions', 'learning_replays']) {
      const remove = database.prepare(`DELETE FROM ${table} WHERE lesson_id = ?`);
      for (const id of due) remove.run(id);
    }
    const removeLesson = database.prepare('DELETE FROM learning_lessons WHERE id = ?');
    for (const id of due) removeLesson.run(id);
    database.prepare("DELETE FROM learning_maintenance WHERE token = 'purge'").run();
  });
  return { purged: due, kept: rejected.length - due.length };
}
