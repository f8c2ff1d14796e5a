import type { ComponentMigration } from '../util/index.js';

/** The component name the janitor's tables are versioned under (util/component-schema). */
export const JANITOR_COMPONENT = 'janitor';

/**
 * v1: what the janitor keeps about its own work, so nothing disappears unexplained.
 * - `janitor_passes`: one row per applied pass (when, who, with which settings, its outcome and
 *   totals); a pass killed midway stays `running` with a dead holder and reads as interrupted.
 * - `janitor_actions`: what each pass did and why, one row per run, lesson, memory context or
 *   worktree (memo entries in one row per reason); written in the transaction that does the
 *   work, so a record exists exactly when its change does. Indexed by target for `inspect`.
 * - `janitor_pins`: runs the user asked to keep whole (`whaleflow pin`).
 * - `janitor_compacted`: runs already compacted, so a pass does not read them again.
 */
export const JANITOR_MIGRATIONS: readonly ComponentMigration[] = [
  {
    version: 1,
    description: 'janitor passes and actions, pinned runs, compacted runs',
    up: (database) =>
      database.exec(`
        CREATE TABLE janitor_passes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          started_at INTEGER NOT NULL,
          finished_at INTEGER,
          trigger TEXT NOT NULL,
          trigger_run_id TEXT,
          host TEXT NOT NULL,
          pid INTEGER NOT NULL,
          settings TEXT NOT NULL,
          outcome TEXT NOT NULL,
          summary TEXT,
          error TEXT,
          file_bytes_before INTEGER,
          file_bytes_after INTEGER
        );
        CREATE TABLE janitor_actions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          pass_id INTEGER NOT NULL,
          policy TEXT NOT NULL,
          action TEXT NOT NULL,
          target_kind TEXT NOT NULL,
          target TEXT,
          count INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          reason TEXT NOT NULL,
          detail TEXT,
          at INTEGER NOT NULL
        );
        CREATE INDEX janitor_actions_by_target ON janitor_actions (target_kind, target);
        CREATE INDEX janitor_actions_by_pass ON janitor_actions (pass_id);
        CREATE TABLE janitor_pins (
          run_id TEXT PRIMARY KEY,
          pinned_at INTEGER NOT NULL,
          note TEXT
        );
        CREATE TABLE janitor_compacted (
          run_id TEXT PRIMARY KEY,
          pass_id INTEGER NOT NULL,
          compacted_at INTEGER NOT NULL
        );
      `),
  },
];
