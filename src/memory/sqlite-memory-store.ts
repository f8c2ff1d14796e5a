import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrateComponentSchema } from '../util/component-schema.js';
import { retryWhileBusy } from '../util/retry-while-busy.js';
import type { SplitText, TextChunk } from './context-text.js';
import { MEMORY_COMPONENT, MEMORY_MIGRATIONS } from './memory-migrations.js';

/** How a version came to be: loaded by a memory node, imported, or written by a leaf. */
export type VersionOrigin = 'load' | 'import' | 'write';

export interface StoredContext {
  readonly name: string;
  readonly hash: string;
  readonly pinned: boolean;
  readonly updatedAt: number;
  readonly bytes: number;
  readonly lines: number;
  readonly versions: number;
}

export interface StoredVersion {
  readonly hash: string;
  readonly origin: VersionOrigin;
  readonly runId: string | null;
  readonly nodeId: string | null;
  readonly files: readonly { path: string; bytes: number; line: number }[] | null;
  readonly loadedAt: number;
  readonly bytes: number;
  readonly lines: number;
}

export interface NewVersion {
  readonly name: string;
  readonly text: SplitText;
  readonly origin: VersionOrigin;
  readonly runId?: string;
  readonly nodeId?: string;
  readonly files?: readonly { path: string; bytes: number; line: number }[];
}

export interface ClearOutcome {
  readonly contexts: number;
  readonly versions: number;
  readonly texts: number;
  readonly bytes: number;
}

export interface SqliteMemoryStoreOptions {
  /** The repository every name is scoped to (repositoryIdentity). */
  readonly repository: string;
  /** Versions kept per name (the newest); older ones go, with texts nothing else refers to. */
  readonly keepVersions?: number;
  readonly now?: () => number;
}

const DEFAULT_KEEP_VERSIONS = 5;

interface ContextRow {
  name: string;
  hash: string;
  pinned: number;
  updated_at: number;
  bytes: number;
  lines: number;
  versions: number;
}

interface VersionRow {
  hash: string;
  origin: VersionOrigin;
  run_id: string | null;
  node_id: string | null;
  files: string | null;
  loaded_at: number;
  bytes: number;
  lines: number;
}

interface ChunkRow {
  seq: number;
  first_line: number;
  line_count: number;
  text: string;
}

/**
 * The memory store in the project database: content-addressed texts in line-aligned chunks,
 * and names scoped to one repository. It never hands out another repository's names; texts are
 * shared by hash (identical content is stored once) but reachable only through a name of the
 * caller's repository or a hash a run recorded.
 */
export class SqliteMemoryStore {
  private readonly database: Database.Database;
  private readonly ownsDatabase: boolean;
  private readonly repository: string;
  private readonly keepVersions: number;
  private readonly now: () => number;
  private readonly statements;

  constructor(databaseOrPath: Database.Database | string, options: SqliteMemoryStoreOptions) {
    if (typeof databaseOrPath === 'string') {
      if (databaseOrPath !== ':memory:') mkdirSync(dirname(databaseOrPath), { recursive: true });
      const database = new Database(databaseOrPath);
      this.database = database;
      this.ownsDatabase = true;
      retryWhileBusy(() => database.pragma('journal_mode = WAL'));
    } else {
      this.database = databaseOrPath;
      this.ownsDatabase = false;
    }
    migrateComponentSchema(this.database, MEMORY_COMPONENT, MEMORY_MIGRATIONS);
    this.repository = options.repository;
    this.keepVersions = Math.max(1, options.keepVersions ?? DEFAULT_KEEP_VERSIONS);
    this.now = options.now ?? Date.now;
    const db = this.database;
    const contextColumns = `c.name, c.hash, c.pinned, c.updated_at, t.bytes, t.lines,
      (SELECT COUNT(*) FROM memory_versions v WHERE v.repository = c.repository AND v.name = c.name) AS versions`;
    this.statements = {
      insertText: db.prepare('INSERT OR IGNORE INTO memory_texts (hash, bytes, lines, chunks, created_at) VALUES (?, ?, ?, ?, ?)'),
      insertChunk: db.prepare('INSERT OR IGNORE INTO memory_text_chunks (hash, seq, first_line, line_count, text) VALUES (?, ?, ?, ?, ?)'),
      hasText: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM memory_texts WHERE hash = ?'),
      textSize: db.prepare<[string], { bytes: number; lines: number }>('SELECT bytes, lines FROM memory_texts WHERE hash = ?'),
      upsertContext: db.prepare(
        `INSERT INTO memory_contexts (repository, name, hash, pinned, updated_at) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT (repository, name) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
      ),
      insertVersion: db.prepare(
        'INSERT INTO memory_versions (repository, name, hash, origin, run_id, node_id, files, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      pruneVersions: db.prepare(
        `DELETE FROM memory_versions WHERE repository = ? AND name = ? AND id NOT IN
           (SELECT id FROM memory_versions WHERE repository = ? AND name = ? ORDER BY id DESC LIMIT ?)`,
      ),
      context: db.prepare<[string, string], ContextRow>(
        `SELECT ${contextColumns} FROM memory_contexts c JOIN memory_texts t ON t.hash = c.hash WHERE c.repository = ? AND c.name = ?`,
      ),
      list: db.prepare<[string], ContextRow>(`SELECT ${contextColumns} FROM memory_contexts c JOIN memory_texts t ON t.hash = c.hash WHERE c.repository = ? ORDER BY c.name`),
      versions: db.prepare<[string, string], VersionRow>(
        `SELECT v.hash, v.origin, v.run_id, v.node_id, v.files, v.loaded_at, t.bytes, t.lines
         FROM memory_versions v JOIN memory_texts t ON t.hash = v.hash WHERE v.repository = ? AND v.name = ? ORDER BY v.id DESC`,
      ),
      // From the chunk holding the first line (the last one starting at or before it) to the one holding the last.
      chunksInRange: db.prepare<[{ hash: string; first: number; last: number }], ChunkRow>(
        'SELECT seq, first_line, line_count, text FROM memory_text_chunks WHERE hash = @hash AND first_line <= @last ' +
          'AND first_line >= coalesce((SELECT max(first_line) FROM memory_text_chunks WHERE hash = @hash AND first_line <= @first), 0) ORDER BY seq',
      ),
      allChunks: db.prepare<[string], ChunkRow>('SELECT seq, first_line, line_count, text FROM memory_text_chunks WHERE hash = ? ORDER BY seq'),
      pin: db.prepare('UPDATE memory_contexts SET pinned = ? WHERE repository = ? AND name = ?'),
      deleteContext: db.prepare('DELETE FROM memory_contexts WHERE repository = ? AND name = ?'),
      deleteVersionsOf: db.prepare('DELETE FROM memory_versions WHERE repository = ? AND name = ?'),
      orphanTexts: db.prepare<[], { hash: string; bytes: number }>(
        'SELECT hash, bytes FROM memory_texts WHERE hash NOT IN (SELECT hash FROM memory_versions) AND hash NOT IN (SELECT hash FROM memory_contexts)',
      ),
      deleteText: db.prepare('DELETE FROM memory_texts WHERE hash = ?'),
      deleteChunks: db.prepare('DELETE FROM memory_text_chunks WHERE hash = ?'),
      countChunks: db.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM memory_text_chunks WHERE hash = ?'),
      countVersions: db.prepare<[string, string], { count: number }>('SELECT COUNT(*) AS count FROM memory_versions WHERE repository = ? AND name = ?'),
    };
  }

  /**
   * Stores a text (once per hash) and makes it the name's current version, recording where it
   * came from; versions beyond the newest `keepVersions` are dropped with their unreferenced texts.
   */
  saveVersion(version: NewVersion): void {
    const { text } = version;
    const at = this.now();
    // Chunks first, each in a short transaction of its own: one transaction for a large text held
    // the database's write lock for the whole insert and stalled the trace's writer past its busy
    // timeout. Nothing refers to the chunks until the text row below commits; rows a crash leaves
    // are reused by the next load of the same text (same hash, same chunks).
    if (!this.hasText(text.hash)) {
      const insertChunk = this.database.transaction((chunk: TextChunk) => this.statements.insertChunk.run(text.hash, chunk.seq, chunk.firstLine, chunk.lineCount, chunk.text));
      for (const chunk of text.chunks) insertChunk.immediate(chunk);
    }
    this.database
      .transaction(() => {
        const inserted = this.statements.insertText.run(text.hash, text.bytes, text.lines, text.chunks.length, at).changes > 0;
        // A clear between the check above and now may have taken the chunks of a text stored before.
        if (inserted && this.statements.countChunks.get(text.hash)!.count !== text.chunks.length) {
          for (const chunk of text.chunks) this.statements.insertChunk.run(text.hash, chunk.seq, chunk.firstLine, chunk.lineCount, chunk.text);
        }
        this.statements.upsertContext.run(this.repository, version.name, text.hash, at);
        this.statements.insertVersion.run(
          this.repository,
          version.name,
          text.hash,
          version.origin,
          version.runId ?? null,
          version.nodeId ?? null,
          version.files ? JSON.stringify(version.files) : null,
          at,
        );
        this.statements.pruneVersions.run(this.repository, version.name, this.repository, version.name, this.keepVersions);
        this.deleteOrphanTexts();
      })
      .immediate();
  }

  context(name: string): StoredContext | undefined {
    const row = this.statements.context.get(this.repository, name);
    return row ? contextFromRow(row) : undefined;
  }

  list(): StoredContext[] {
    return this.statements.list.all(this.repository).map(contextFromRow);
  }

  versions(name: string): StoredVersion[] {
    return this.statements.versions.all(this.repository, name).map((row) => ({
      hash: row.hash,
      origin: row.origin,
      runId: row.run_id,
      nodeId: row.node_id,
      files: row.files ? (JSON.parse(row.files) as StoredVersion['files']) : null,
      loadedAt: row.loaded_at,
      bytes: row.bytes,
      lines: row.lines,
    }));
  }

  hasText(hash: string): boolean {
    return this.statements.hasText.get(hash) !== undefined;
  }

  textSize(hash: string): { bytes: number; lines: number } | undefined {
    return this.statements.textSize.get(hash);
  }

  /** The stored chunks that hold lines `first`..`last` (1-based, inclusive), in order. */
  chunksCovering(hash: string, first: number, last: number): TextChunk[] {
    return this.statements.chunksInRange.all({ hash, first, last }).map(chunkFromRow);
  }

  /** Every chunk of a text in order, read one at a time (a 100 MB text is never held whole). */
  *chunks(hash: string): IterableIterator<TextChunk> {
    for (const row of this.statements.allChunks.iterate(hash)) yield chunkFromRow(row);
  }

  fullText(hash: string): string {
    let text = '';
    for (const chunk of this.chunks(hash)) text += chunk.text;
    return text;
  }

  /** Pins or unpins a name; false when the repository has no such context. */
  pin(name: string, pinned: boolean): boolean {
    return this.statements.pin.run(pinned ? 1 : 0, this.repository, name).changes > 0;
  }

  /** Removes one name (pinned only with `force`), or every unpinned name (every name with `force`). */
  clear(name: string | undefined, options: { force?: boolean } = {}): ClearOutcome {
    return this.database
      .transaction((): ClearOutcome => {
        const targets = name === undefined ? this.list() : [this.context(name)].filter((context): context is StoredContext => context !== undefined);
        let contexts = 0;
        let versions = 0;
        for (const context of targets) {
          if (context.pinned && !options.force) continue;
          versions += this.statements.countVersions.get(this.repository, context.name)?.count ?? 0;
          this.statements.deleteVersionsOf.run(this.repository, context.name);
          this.statements.deleteContext.run(this.repository, context.name);
          contexts += 1;
        }
        const freed = this.deleteOrphanTexts();
        return { contexts, versions, texts: freed.texts, bytes: freed.bytes };
      })
      .immediate();
  }

  private deleteOrphanTexts(): { texts: number; bytes: number } {
    let texts = 0;
    let bytes = 0;
    for (const orphan of this.statements.orphanTexts.all()) {
      this.statements.deleteChunks.run(orphan.hash);
      this.statements.deleteText.run(orphan.hash);
      texts += 1;
      bytes += orphan.bytes;
    }
    return { texts, bytes };
  }

  close(): void {
    if (this.ownsDatabase) this.database.close();
  }
}

function contextFromRow(row: ContextRow): StoredContext {
  return { name: row.name, hash: row.hash, pinned: row.pinned === 1, updatedAt: row.updated_at, bytes: row.bytes, lines: row.lines, versions: row.versions };
}

function chunkFromRow(row: ChunkRow): TextChunk {
  return { seq: row.seq, firstLine: row.first_line, lineCount: row.line_count, text: row.text };
}
