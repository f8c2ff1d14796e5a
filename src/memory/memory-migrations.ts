import type { ComponentMigration } from '../util/component-schema.js';

/**
 * The memory store's tables in the project database, versioned as component `memory`
 * (util/component-schema.ts; the trace owns user_version). Texts are content-addressed and
 * kept in line-aligned chunks, so a peek reads only the chunks it needs; contexts are names
 * scoped by repository, and every load is a version row (what `memory show` lists).
 */
/** The memory store's name in `component_schema`. */
export const MEMORY_COMPONENT = 'memory';

export const MEMORY_MIGRATIONS: readonly ComponentMigration[] = [
  {
    version: 1,
    description: 'memory texts, their chunks, named contexts per repository and their versions',
    up(database) {
      database.exec(`
        CREATE TABLE memory_texts (
          hash TEXT PRIMARY KEY,
          bytes INTEGER NOT NULL,
          lines INTEGER NOT NULL,
          chunks INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE memory_text_chunks (
          hash TEXT NOT NULL,
          seq INTEGER NOT NULL,
          first_line INTEGER NOT NULL,
          line_count INTEGER NOT NULL,
          text TEXT NOT NULL,
          PRIMARY KEY (hash, seq)
        ) WITHOUT ROWID;
        CREATE TABLE memory_contexts (
          repository TEXT NOT NULL,
          name TEXT NOT NULL,
          hash TEXT NOT NULL,
          pinned INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (repository, name)
        ) WITHOUT ROWID;
        CREATE TABLE memory_versions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          repository TEXT NOT NULL,
          name TEXT NOT NULL,
          hash TEXT NOT NULL,
          origin TEXT NOT NULL,
          run_id TEXT,
          node_id TEXT,
          files TEXT,
          loaded_at INTEGER NOT NULL
        );
        CREATE INDEX memory_versions_by_name ON memory_versions (repository, name, id);
        CREATE INDEX memory_versions_by_hash ON memory_versions (hash);
      `);
    },
  },
  {
    version: 2,
    description: 'chunks indexed by their first line, so a peek seeks the chunks it needs instead of reading past every earlier one',
    up(database) {
      database.exec('CREATE INDEX memory_text_chunks_by_line ON memory_text_chunks (hash, first_line)');
    },
  },
];
