import type { ComponentMigration } from '../util/index.js';

/** Tables whose rows are never updated, and deleted only by a maintenance pass (purge). */
const APPEND_ONLY_TABLES = ['learning_lessons', 'learning_lesson_events', 'learning_snapshots', 'learning_overlay_log', 'learning_gate_decisions', 'learning_replays'] as const;

/**
 * v1: lessons (immutable, keyed by content hash), their append-only status events, overlay
 * snapshots (immutable, keyed by the hash of their lesson set), the overlay log whose last row is
 * the overlay's head, the gate's decisions and the student replays it judged. Every change is one
 * row appended in one transaction, so a crash at any point leaves the previous state or the new
 * one, never half of one.
 */
const createLearningTables: ComponentMigration = {
  version: 1,
  description: 'lessons, status events, overlay snapshots and log, gate decisions, student replays',
  up(database) {
    database.exec(`
      CREATE TABLE learning_lessons (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE learning_lesson_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        lesson_id TEXT NOT NULL REFERENCES learning_lessons (id),
        status TEXT NOT NULL,
        reasons TEXT NOT NULL,
        data TEXT,
        at INTEGER NOT NULL
      );
      CREATE INDEX learning_lesson_events_by_lesson ON learning_lesson_events (lesson_id, seq);
      CREATE TABLE learning_snapshots (
        id TEXT PRIMARY KEY,
        lesson_ids TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE learning_overlay_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        snapshot_id TEXT NOT NULL REFERENCES learning_snapshots (id),
        enabled INTEGER NOT NULL,
        action TEXT NOT NULL,
        lesson_id TEXT,
        reason TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE learning_gate_decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        lesson_id TEXT NOT NULL,
        stage TEXT NOT NULL,
        decision TEXT NOT NULL,
        against_snapshot TEXT NOT NULL,
        reasons TEXT NOT NULL,
        figures TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX learning_gate_decisions_by_lesson ON learning_gate_decisions (lesson_id, seq);
      CREATE TABLE learning_replays (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        lesson_id TEXT NOT NULL,
        against_snapshot TEXT NOT NULL,
        baseline_run_id TEXT NOT NULL,
        candidate_run_id TEXT NOT NULL,
        result TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE INDEX learning_replays_by_lesson ON learning_replays (lesson_id, seq);
      CREATE TABLE learning_maintenance (token TEXT PRIMARY KEY);
    `);
    for (const table of APPEND_ONLY_TABLES) {
      database.exec(`
        CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
          BEGIN SELECT RAISE(ABORT, '${table} is append-only: UPDATE is refused'); END;
        CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
          WHEN NOT EXISTS (SELECT 1 FROM learning_maintenance)
          BEGIN SELECT RAISE(ABORT, '${table} is append-only: DELETE is refused outside a maintenance pass'); END;
      `);
    }
  },
};

export const LEARNING_MIGRATIONS: readonly ComponentMigration[] = [createLearningTables];
export const LEARNING_COMPONENT = 'learning';
