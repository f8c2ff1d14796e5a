import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { projectTracePath, type TraceLocationOptions } from '../trace/index.js';
import { migrateComponentSchema, retryWhileBusy, WhaleflowError } from '../util/index.js';
import { LEARNING_COMPONENT, LEARNING_MIGRATIONS } from './learning-migrations.js';

/** The project database could not be opened for learning (not SQLite, corrupt, unwritable). */
export class LearningDatabaseError extends WhaleflowError {
  override readonly name = 'LearningDatabaseError';
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot use ${path} for lessons and the overlay: ${detail}`, options);
  }
}

/**
 * Opens the project database (the trace's file: lessons and the overlay live beside the runs
 * they came from, never in the working tree or in git) and brings the learning tables up to
 * date. WAL with synchronous NORMAL: a committed change survives kill -9 of any process.
 */
export function openLearningDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let database: Database.Database | undefined;
  try {
    const opened = new Database(path);
    database = opened;
    retryWhileBusy(() => opened.pragma('journal_mode = WAL'));
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 10000');
    database.pragma('foreign_keys = ON');
    migrateComponentSchema(database, LEARNING_COMPONENT, LEARNING_MIGRATIONS);
    return database;
  } catch (error) {
    database?.close();
    const detail = error instanceof Error ? error.message : String(error);
    throw new LearningDatabaseError(path, `${detail} (is it a WhaleFlow project database? \`whaleflow ps\` checks it)`, { cause: error });
  }
}

/** The project database path as every command finds it; `mustExist` refuses to create one for a reading command. */
export function learningDatabasePath(options: TraceLocationOptions & { readonly mustExist?: boolean }): string | undefined {
  const path = projectTracePath(options);
  if (options.mustExist && !existsSync(path)) return undefined;
  return path;
}
