import type Database from 'better-sqlite3';

/**
 * The trace owns `PRAGMA user_version`; every other concern that keeps tables in the project
 * database (memo, learning, memory, janitor, queue) versions its own tables here, so concerns
 * evolve independently and a migration of one never renumbers another's.
 */
export interface ComponentMigration {
  readonly version: number;
  readonly description: string;
  readonly up: (database: Database.Database) => void;
}

/** Applies `component`'s migrations above its recorded version, each in its own IMMEDIATE transaction; returns the versions applied. */
export function migrateComponentSchema(database: Database.Database, component: string, migrations: readonly ComponentMigration[]): number[] {
  // Up to date already: read, never write, so commands that only read work on a read-only database.
  if (componentSchemaIsCurrent(database, component, migrations)) return [];
  database.exec('CREATE TABLE IF NOT EXISTS component_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const readVersion = database.prepare<[string], { version: number }>('SELECT version FROM component_schema WHERE component = ?');
  const writeVersion = database.prepare('INSERT INTO component_schema (component, version) VALUES (?, ?) ON CONFLICT (component) DO UPDATE SET version = excluded.version');
  const applied: number[] = [];
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock before reading the version, so two processes opening
    // the database at once never both apply a step.
    const ran = database.transaction(() => {
      const current = readVersion.get(component)?.version ?? 0;
      if (migration.version <= current) return false;
      migration.up(database);
      writeVersion.run(component, migration.version);
      return true;
    }).immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}

/** True when `component`'s tables are at the latest of `migrations` (found by reading only). */
export function componentSchemaIsCurrent(database: Database.Database, component: string, migrations: readonly ComponentMigration[]): boolean {
  return recordedVersion(database, component) >= Math.max(0, ...migrations.map((migration) => migration.version));
}

/** The component's recorded version, 0 when it has none (or there is no component_schema table yet). */
function recordedVersion(database: Database.Database, component: string): number {
  const table = database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'component_schema'").get();
  if (!table) return 0;
  return database.prepare<[string], { version: number }>('SELECT version FROM component_schema WHERE component = ?').get(component)?.version ?? 0;
}
