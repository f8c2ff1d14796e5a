import type Database from 'better-sqlite3';

/** One memo entry as the janitor sees it: what it is about and what it costs to keep. */
export interface MemoInventoryEntry {
  readonly key: string;
  readonly provider: string;
  readonly model: string;
  /** The route scope it was made in (text), or null for an entry from before scopes. */
  readonly scope: string | null;
  /** Bytes of the stored answer and its key. */
  readonly bytes: number;
  readonly hits: number;
  readonly createdAtMs: number;
  readonly lastUsedAtMs: number | null;
  readonly staleReason: string | null;
}

/** Totals of the memo table, for `memo stats`, the TUI footer and the janitor's report. */
export interface MemoStorage {
  readonly entries: number;
  readonly bytes: number;
  readonly stale: number;
  readonly hits: number;
}

function hasTable(database: Database.Database): boolean {
  return database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'armh_memo'").get() !== undefined;
}

/** Whether the table has the v2 columns (a read-only handle may read a database not yet migrated). */
function hasUseColumns(database: Database.Database): boolean {
  return database.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('armh_memo')").all().some((column) => column.name === 'hits');
}

const BYTES = 'length(CAST(response_json AS BLOB)) + length(key)';

/**
 * Every memo entry, without its answer, read-only: works on a database with no memo table (none)
 * or one not yet migrated (no scopes, no use counts), so a dry run never has to write.
 */
export function readMemoInventory(database: Database.Database): MemoInventoryEntry[] {
  if (!hasTable(database)) return [];
  const columns = hasUseColumns(database)
    ? 'scope, hits, last_used_at_ms, stale_reason'
    : 'NULL AS scope, 0 AS hits, NULL AS last_used_at_ms, NULL AS stale_reason';
  const rows = database
    .prepare<
      [],
      { key: string; provider: string; model: string; scope: string | null; bytes: number; hits: number; created_at_ms: number; last_used_at_ms: number | null; stale_reason: string | null }
    >(`SELECT key, provider, model, ${BYTES} AS bytes, created_at_ms, ${columns} FROM armh_memo ORDER BY key`)
    .all();
  return rows.map((row) => ({
    key: row.key,
    provider: row.provider,
    model: row.model,
    scope: row.scope,
    bytes: row.bytes,
    hits: row.hits,
    createdAtMs: row.created_at_ms,
    lastUsedAtMs: row.last_used_at_ms,
    staleReason: row.stale_reason,
  }));
}

export function readMemoStorage(database: Database.Database): MemoStorage {
  if (!hasTable(database)) return { entries: 0, bytes: 0, stale: 0, hits: 0 };
  const counts = hasUseColumns(database) ? 'SUM(stale_at_ms IS NOT NULL) AS stale, SUM(hits) AS hits' : '0 AS stale, 0 AS hits';
  const row = database
    .prepare<[], { entries: number; bytes: number | null; stale: number | null; hits: number | null }>(`SELECT COUNT(*) AS entries, SUM(${BYTES}) AS bytes, ${counts} FROM armh_memo`)
    .get();
  return { entries: row?.entries ?? 0, bytes: row?.bytes ?? 0, stale: row?.stale ?? 0, hits: row?.hits ?? 0 };
}

/**
 * Marks entries stale with their reason; a stale entry is never served again (a new answer for
 * its key replaces it). Entries already stale keep their first reason. Returns how many changed.
 * Call inside the caller's transaction to record the change with it.
 */
export function markMemoEntriesStale(database: Database.Database, entries: readonly { readonly key: string; readonly reason: string }[], atMs: number): number {
  const mark = database.prepare('UPDATE armh_memo SET stale_at_ms = ?, stale_reason = ? WHERE key = ? AND stale_at_ms IS NULL');
  let changed = 0;
  for (const entry of entries) changed += mark.run(atMs, entry.reason, entry.key).changes;
  return changed;
}

/** Removes entries; returns how many and the bytes they held. */
export function evictMemoEntries(database: Database.Database, keys: readonly string[]): { readonly entries: number; readonly bytes: number } {
  const size = database.prepare<[string], { bytes: number }>(`SELECT ${BYTES} AS bytes FROM armh_memo WHERE key = ?`);
  const remove = database.prepare('DELETE FROM armh_memo WHERE key = ?');
  let entries = 0;
  let bytes = 0;
  for (const key of keys) {
    const row = size.get(key);
    if (!row) continue;
    remove.run(key);
    entries += 1;
    bytes += row.bytes;
  }
  return { entries, bytes };
}
