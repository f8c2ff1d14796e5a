import type { ComponentMigration } from '../util/index.js';

/** The component name the memo's tables are versioned under (util/component-schema). */
export const MEMO_COMPONENT = 'memo';

/** The table as the first releases created it (kept verbatim: databases made by them have exactly this). */
export const MEMO_TABLE_V1 = `
  armh_memo (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    response_json TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    deterministic INTEGER NOT NULL,
    run_id TEXT,
    created_at_ms INTEGER NOT NULL
  )`;

/** Columns v2 adds; a read-only handle on an older table reads them as absent. */
export const MEMO_V2_COLUMNS = ['scope', 'hits', 'last_used_at_ms', 'stale_at_ms', 'stale_reason'] as const;

/**
 * v1: the memo table (earlier releases created it unversioned; CREATE IF NOT EXISTS adopts it).
 * v2: what the janitor needs to keep the memo bounded and true: the route scope an answer was
 * made in (an entry from another scope is never served), how often and how recently it answered
 * (eviction), and a stale mark with its reason.
 */
export const MEMO_MIGRATIONS: readonly ComponentMigration[] = [
  {
    version: 1,
    description: 'ARMH memo: one completed answer per exact-context key',
    up: (database) => database.exec(`CREATE TABLE IF NOT EXISTS ${MEMO_TABLE_V1}`),
  },
  {
    version: 2,
    description: 'memo scope, use counts and stale marks (janitor)',
    up: (database) =>
      database.exec(`
        ALTER TABLE armh_memo ADD COLUMN scope TEXT;
        ALTER TABLE armh_memo ADD COLUMN hits INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE armh_memo ADD COLUMN last_used_at_ms INTEGER;
        ALTER TABLE armh_memo ADD COLUMN stale_at_ms INTEGER;
        ALTER TABLE armh_memo ADD COLUMN stale_reason TEXT;
      `),
  },
];
