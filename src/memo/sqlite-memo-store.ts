import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModelResponse } from '../providers/index.js';
import { migrateComponentSchema, projectDatabaseError, retryWhileBusy, SecretRedactor } from '../util/index.js';
import { MEMO_COMPONENT, MEMO_MIGRATIONS, MEMO_TABLE_V1 } from './memo-migrations.js';
import type { MemoEntry } from './memo-entry.js';
import type { MemoStore, MemoStoreStats } from './memo-store.js';

interface MemoRow {
  key: string;
  provider: string;
  model: string;
  response_json: string;
  deterministic: number;
  run_id: string | null;
  created_at_ms: number;
  /** v2 columns: absent when a read-only handle reads an older table. */
  scope?: string | null;
  stale_reason?: string | null;
}

/**
 * A MemoStore in the project database. It owns only the `armh_memo` table, versioned as
 * component `memo` (memo-migrations.ts), so it can share the database (and its WAL) with the
 * trace store without knowing its schema.
 */
export class SqliteMemoStore implements MemoStore {
  private database!: Database.Database;
  private ownsDatabase = false;
  private readonly statements;
  private readonly writes = new Map<string, Database.Statement>();

  private readonly redactor: SecretRedactor;

  /**
   * Takes an open handle (shared with other stores) or a file path (opened and owned here).
   * Replies are stored redacted (see util/secrets): a model that echoed a key leaves no key in
   * the database, and a later hit answers with the redacted text.
   */
  constructor(databaseOrPath: Database.Database | string, options: { readonly redactor?: SecretRedactor } = {}) {
    this.redactor = options.redactor ?? new SecretRedactor();
    const path = typeof databaseOrPath === 'string' ? databaseOrPath : databaseOrPath.name;
    try {
      this.statements = this.open(databaseOrPath);
    } catch (error) {
      // A damaged, foreign or unwritable project database is the user's to fix: say which file and how.
      if (typeof databaseOrPath === 'string' && this.database?.open) this.database.close();
      throw projectDatabaseError(error, path) ?? error;
    }
  }

  private open(databaseOrPath: Database.Database | string) {
    if (typeof databaseOrPath === 'string') {
      if (databaseOrPath !== ':memory:') mkdirSync(dirname(databaseOrPath), { recursive: true });
      this.database = new Database(databaseOrPath);
      this.ownsDatabase = true;
    } else {
      this.database = databaseOrPath;
      this.ownsDatabase = false;
    }
    if (!this.database.readonly) {
      const database = this.database;
      retryWhileBusy(() => database.pragma('journal_mode = WAL'));
      migrateComponentSchema(this.database, MEMO_COMPONENT, MEMO_MIGRATIONS);
    } else if (!this.hasMemoTable()) {
      // A read-only handle (a read-only project directory) without the table reads an empty, temporary one.
      this.database.exec(`CREATE TEMP TABLE IF NOT EXISTS ${MEMO_TABLE_V1}`);
    }
    // Writes are prepared on first use: a read-only handle may hold a table older than v2.
    return {
      get: this.database.prepare<[string], MemoRow>('SELECT * FROM armh_memo WHERE key = ?'),
      stats: this.database.prepare<[], { entries: number; input: number | null; output: number | null }>(
        'SELECT COUNT(*) AS entries, SUM(input_tokens) AS input, SUM(output_tokens) AS output FROM armh_memo',
      ),
      all: this.database.prepare<[], MemoRow>('SELECT * FROM armh_memo ORDER BY created_at_ms, key'),
    };
  }

  private write(sql: string): Database.Statement {
    let statement = this.writes.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.writes.set(sql, statement);
    }
    return statement;
  }

  private hasMemoTable(): boolean {
    return this.database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'armh_memo'").get() !== undefined;
  }

  get(key: string): MemoEntry | undefined {
    const row = this.statements.get.get(key);
    return row ? entryFromRow(row) : undefined;
  }

  put(entry: MemoEntry): void {
    // A new answer replaces the entry whole: its use counts and any stale mark start over.
    this.write(
      `INSERT OR REPLACE INTO armh_memo (key, provider, model, response_json, input_tokens, output_tokens, deterministic, run_id, created_at_ms, scope)
       VALUES (@key, @provider, @model, @response_json, @input_tokens, @output_tokens, @deterministic, @run_id, @created_at_ms, @scope)`,
    ).run({
      key: entry.key,
      provider: entry.route.provider,
      model: entry.route.model,
      response_json: JSON.stringify(this.redactor.redact(entry.response)),
      input_tokens: entry.response.usage.inputTokens,
      output_tokens: entry.response.usage.outputTokens,
      deterministic: entry.deterministic ? 1 : 0,
      run_id: entry.runId ?? null,
      created_at_ms: entry.createdAtMs,
      scope: entry.scope ?? null,
    });
  }

  touch(key: string, atMs: number): void {
    this.write('UPDATE armh_memo SET hits = hits + 1, last_used_at_ms = ? WHERE key = ?').run(atMs, key);
  }

  clear(): number {
    return this.write('DELETE FROM armh_memo').run().changes;
  }

  stats(): MemoStoreStats {
    const row = this.statements.stats.get();
    return { entries: row?.entries ?? 0, storedInputTokens: row?.input ?? 0, storedOutputTokens: row?.output ?? 0 };
  }

  *entries(): Iterable<MemoEntry> {
    for (const row of this.statements.all.iterate()) yield entryFromRow(row);
  }

  /** Closes the database only if this store opened it. */
  close(): void {
    if (this.ownsDatabase) this.database.close();
  }
}

function entryFromRow(row: MemoRow): MemoEntry {
  return {
    key: row.key,
    route: { provider: row.provider, model: row.model },
    response: JSON.parse(row.response_json) as ModelResponse,
    deterministic: row.deterministic === 1,
    runId: row.run_id ?? undefined,
    createdAtMs: row.created_at_ms,
    ...(row.scope ? { scope: row.scope } : {}),
    ...(row.stale_reason ? { stale: row.stale_reason } : {}),
  };
}
