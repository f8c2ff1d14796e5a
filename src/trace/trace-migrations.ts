import type Database from 'better-sqlite3';
import { OUTPUT_REFERENCE_KEY } from './output-reference.js';

/** One schema step; `user_version` is set to `version` in the same transaction. */
export interface TraceMigration {
  readonly version: number;
  readonly description: string;
  readonly up: (database: Database.Database) => void;
}

/**
 * v1: the append-only log. Events are rows keyed by (run_id, seq); UPDATE and DELETE raise
 * unless the run holds a maintenance grant, which only deleteRun/compactRun insert and
 * remove inside their own transaction. Blobs are content-addressed and immutable.
 */
const createLog: TraceMigration = {
  version: 1,
  description: 'append-only event log, content-addressed blobs, maintenance grants',
  up(database) {
    database.exec(`
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        node_id TEXT,
        at INTEGER NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (run_id, seq)
      );
      CREATE TABLE blobs (
        hash TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content BLOB NOT NULL
      );
      CREATE TABLE run_blobs (
        run_id TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (run_id, hash)
      ) WITHOUT ROWID;
      CREATE TABLE maintenance_grants (run_id TEXT PRIMARY KEY);
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        WHEN NOT EXISTS (SELECT 1 FROM maintenance_grants WHERE run_id = OLD.run_id)
        BEGIN SELECT RAISE(ABORT, 'trace events are append-only: UPDATE is refused'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        WHEN NOT EXISTS (SELECT 1 FROM maintenance_grants WHERE run_id = OLD.run_id)
        BEGIN SELECT RAISE(ABORT, 'trace events are append-only: DELETE is refused'); END;
      CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
        BEGIN SELECT RAISE(ABORT, 'blobs are content-addressed and immutable'); END;
    `);
  },
};

/** How a node_runs view reads usage (v6 adds its own: a usage left to the effect row). */
interface UsageColumns {
  /** The expression for a usage field (`input_tokens`, `output_tokens`, `cost_microusd`). */
  readonly usage: (field: string) => string;
  /** Joins after node_started's (the row a v6 node_finished refers to). */
  readonly joins: string;
}

const OWN_USAGE: UsageColumns = { usage: (field) => `json_extract(f.payload, '$.usage.${field}')`, joins: '' };

/**
 * The node_runs view: one row per finished node execution. `armhHits` is the expression for its
 * memo hits (v3 reads a lean row's all-zero memo usage, stored as 0, as 0 hits), `output` for
 * its output (v4 reads a referenced output from its effect_completed row), `usage` for its usage
 * (v6 reads one left to that row).
 */
function nodeRunsView(armhHits: string, output = "json_extract(f.payload, '$.output')", { usage, joins }: UsageColumns = OWN_USAGE): string {
  return `CREATE VIEW node_runs AS
        SELECT f.run_id AS run_id,
               f.node_id AS node_id,
               json_extract(f.payload, '$.kind') AS kind,
               json_extract(f.payload, '$.iteration') AS iteration,
               json_extract(s.payload, '$.parentId') AS parent_id,
               json_extract(f.payload, '$.status') AS status,
               s.at AS started_at,
               f.at AS finished_at,
               ${output} AS output,
               ${usage('input_tokens')} AS input_tokens,
               ${usage('output_tokens')} AS output_tokens,
               ${usage('cost_microusd')} AS cost_microusd,
               ${armhHits} AS armh_hits,
               json_extract(f.payload, '$.error') AS error
        FROM events f LEFT JOIN events s
          ON s.run_id = f.run_id AND s.type = 'node_started' AND s.node_id = f.node_id
         AND json_extract(s.payload, '$.iteration') = json_extract(f.payload, '$.iteration')${joins}
        WHERE f.type = 'node_finished';`;
}

/**
 * v2: what readers query. An index for finding runs, the cancel-request queue for background
 * runs, and CodeWhale-named views over the log for ad-hoc SQL (sqlite3, the teacher).
 */
const addViews: TraceMigration = {
  version: 2,
  description: 'run index, cancel requests, CodeWhale query views',
  up(database) {
    database.exec(`
      -- Partial: only run markers are indexed, so the index costs nothing per ordinary event.
      CREATE INDEX events_run_markers ON events (type, run_id) WHERE type IN ('run_started', 'run_finished');
      CREATE TABLE cancel_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        node_id TEXT,
        reason TEXT NOT NULL,
        requested_at INTEGER NOT NULL
      );
      CREATE INDEX cancel_requests_by_run ON cancel_requests (run_id, id);
      CREATE VIEW workflow_runs AS
        SELECT s.run_id AS run_id,
               json_extract(s.payload, '$.label') AS label,
               json_extract(s.payload, '$.specHash') AS spec_hash,
               json_extract(s.payload, '$.mode') AS mode,
               json_extract(s.payload, '$.parentRunId') AS parent_run_id,
               json_extract(s.payload, '$.sourceFile') AS source_file,
               s.at AS started_at,
               f.at AS finished_at,
               coalesce(json_extract(f.payload, '$.status'), 'running') AS status,
               json_extract(f.payload, '$.usage.input_tokens') AS input_tokens,
               json_extract(f.payload, '$.usage.output_tokens') AS output_tokens,
               json_extract(f.payload, '$.usage.cost_microusd') AS cost_microusd,
               json_extract(f.payload, '$.result.workflow_id') AS workflow_id
        FROM events s LEFT JOIN events f ON f.run_id = s.run_id AND f.type = 'run_finished'
        WHERE s.type = 'run_started';
      ${nodeRunsView("json_extract(f.payload, '$.memoUsage.armh_hits')")}
      CREATE VIEW branch_runs AS
        SELECT * FROM node_runs WHERE kind IN ('branch_set', 'sequence');
      CREATE VIEW control_node_runs AS
        SELECT * FROM node_runs WHERE kind IN ('loop_until', 'cond', 'expand', 'reduce', 'tournament', 'pareto', 'teacher_review');
      CREATE VIEW leaf_runs AS
        SELECT n.*, json_extract(e.payload, '$.key') AS input_hash, json_extract(e.payload, '$.source') AS effect_source
        FROM node_runs n LEFT JOIN events e
          ON e.run_id = n.run_id AND e.type = 'effect_completed' AND e.node_id = n.node_id
         AND json_extract(e.payload, '$.kind') = 'leaf'
         AND json_extract(e.payload, '$.scope.iteration') = n.iteration
        WHERE n.kind = 'leaf';
      CREATE VIEW teacher_candidates AS
        SELECT d.run_id AS run_id,
               d.node_id AS node_id,
               json_extract(d.payload, '$.decision') AS decision,
               json_extract(d.payload, '$.key') AS decision_key,
               json_extract(d.payload, '$.value') AS value,
               json_extract(d.payload, '$.reason') AS reason,
               d.at AS decided_at
        FROM events d
        WHERE d.type = 'decision' AND json_extract(d.payload, '$.decision') IN ('review', 'winner', 'pareto_front');
    `);
  },
};

/**
 * v3: rows in the lean shape (src/trace/event-row.ts: the envelope in the columns, an all-zero
 * memo usage stored as 0). The schema is unchanged; node_runs reads such a memo usage as 0
 * hits instead of null. Views are resolved when queried, so the views over node_runs need no
 * change.
 */
const leanRows: TraceMigration = {
  version: 3,
  description: 'node_runs reads the memo hits of lean rows',
  up(database) {
    database.exec(`
      DROP VIEW node_runs;
      ${nodeRunsView("coalesce(json_extract(f.payload, '$.memoUsage.armh_hits'), 0)")}
    `);
  },
};

/** The JSON path of a node_finished row's output reference (src/trace/output-reference.ts). */
const OUTPUT_REFERENCE_PATH = `'$.output."${OUTPUT_REFERENCE_KEY}"'`;

/**
 * v4: a node_finished may store its output once, as a reference to its node's effect_completed
 * row in the same run (src/trace/output-reference.ts). The schema is unchanged; node_runs reads
 * such an output from the row it names, so the views show what they showed before.
 */
const referencedOutputs: TraceMigration = {
  version: 4,
  description: 'node_runs reads outputs stored once, by reference',
  up(database) {
    database.exec(`
      DROP VIEW node_runs;
      ${nodeRunsView(
        "coalesce(json_extract(f.payload, '$.memoUsage.armh_hits'), 0)",
        `CASE WHEN json_type(f.payload, ${OUTPUT_REFERENCE_PATH}) = 'integer'
                 THEN (SELECT json_extract(e.payload, '$.result.output') FROM events e
                        WHERE e.run_id = f.run_id AND e.seq = json_extract(f.payload, ${OUTPUT_REFERENCE_PATH}))
                 ELSE json_extract(f.payload, '$.output') END`,
      )}
    `);
  },
};

/**
 * v5: a run's log may refer to another run's rows instead of repeating them (run-references.ts):
 * a replay whose events equal the recorded run's stores one row per stretch of them. A reference
 * takes `count` sequence numbers of its run's log, which read as the source run's rows from
 * `source_seq` on. The index by source finds a run's referrers before it is deleted.
 */
const runReferences: TraceMigration = {
  version: 5,
  description: 'a run log may refer to stretches of another run log',
  up(database) {
    database.exec(`
      CREATE TABLE run_references (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        source_run_id TEXT NOT NULL,
        source_seq INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX run_references_by_source ON run_references (source_run_id);
    `);
  },
};

/**
 * v6: lean node rows (src/trace/event-row.ts). node_started and node_finished leave their node id
 * to the node_id column, and a node_finished that refers to its effect's output leaves its usage
 * and memo usage to that row too when they are the effect result's. The schema is unchanged;
 * node_runs reads such a usage from the row the output reference names (`r`), so the views show
 * what they showed before. Older versions of WhaleFlow would misread such rows: the version says so.
 */
const leanNodeRows: TraceMigration = {
  version: 6,
  description: 'node rows leave their node id to its column and a usage to their effect row',
  up(database) {
    const own = "json_type(f.payload, '$.usage') IS NOT NULL";
    const memo = `CASE WHEN ${own} THEN f.payload -> '$.memoUsage' ELSE r.payload -> '$.result.memo_usage' END`;
    database.exec(`
      DROP VIEW node_runs;
      ${nodeRunsView(
        `coalesce((${memo}) ->> '$.armh_hits', 0)`,
        `CASE WHEN json_type(f.payload, ${OUTPUT_REFERENCE_PATH}) = 'integer' THEN json_extract(r.payload, '$.result.output') ELSE json_extract(f.payload, '$.output') END`,
        {
          usage: (field) => `CASE WHEN ${own} THEN json_extract(f.payload, '$.usage.${field}') ELSE json_extract(r.payload, '$.result.usage.${field}') END`,
          joins: `
          LEFT JOIN events r ON r.run_id = f.run_id AND r.seq = json_extract(f.payload, ${OUTPUT_REFERENCE_PATH})`,
        },
      )}
    `);
  },
};

/** Every migration, in order. Never edit a released one; append a new version instead. */
export const TRACE_MIGRATIONS: readonly TraceMigration[] = [createLog, addViews, leanRows, referencedOutputs, runReferences, leanNodeRows];

export const TRACE_SCHEMA_VERSION = TRACE_MIGRATIONS[TRACE_MIGRATIONS.length - 1]!.version;

/** Applies the migrations above `user_version`, each in its own transaction; returns the versions applied. */
export function migrateTraceDatabase(database: Database.Database, targetVersion = TRACE_SCHEMA_VERSION): number[] {
  const applied: number[] = [];
  // Every open after the first finds the schema current: it need not take the write lock five
  // times (waiting each time for a writer's transaction in flight) to learn that.
  if ((database.pragma('user_version', { simple: true }) as number) >= targetVersion) return applied;
  for (const migration of TRACE_MIGRATIONS) {
    if (migration.version > targetVersion) break;
    // IMMEDIATE takes the write lock first, so two processes opening a fresh database
    // don't both apply a step: the second sees the new user_version and skips it.
    const ran = database.transaction(() => {
      const current = database.pragma('user_version', { simple: true }) as number;
      if (migration.version <= current) return false;
      migration.up(database);
      database.pragma(`user_version = ${migration.version}`);
      return true;
    }).immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}
