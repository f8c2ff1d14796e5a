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
