import Database from 'better-sqlite3';
import { openProjectTrace } from '../../trace/index.js';
import { componentSchemaIsCurrent, migrateComponentSchema, type ComponentMigration } from '../../util/index.js';
import type { CliContext } from '../cli-context.js';

/** A concern that keeps tables in the project database (memory, learning), by its component name. */
export interface ProjectComponent {
  readonly name: string;
  readonly migrations: readonly ComponentMigration[];
}

/**
 * Runs a command that only reads one concern's tables (`memory ls`, `overlay log`, …). The
 * database is opened through the trace's opener, so a read-only `.whaleflow` is read the way
 * `ps` reads it (a private copy where SQLite cannot read in place). A concern that never created
 * its tables in a database that cannot be written holds nothing there: it reads from an empty
 * database instead of failing to create them.
 */
export function readProjectComponent<T>(context: CliContext, databasePath: string | undefined, component: ProjectComponent, read: (database: Database.Database) => T): T {
  const trace = openProjectTrace({ cwd: context.cwd, env: context.env, ...(databasePath ? { databasePath } : {}) });
  try {
    if (!trace.readOnly) migrateComponentSchema(trace.database, component.name, component.migrations);
    if (!trace.readOnly || componentSchemaIsCurrent(trace.database, component.name, component.migrations)) return read(trace.database);
    const empty = new Database(':memory:');
    try {
      migrateComponentSchema(empty, component.name, component.migrations);
      return read(empty);
    } finally {
      empty.close();
    }
  } finally {
    trace.close();
  }
}
