import { existsSync } from 'node:fs';
import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { projectTracePath, type TraceLocationOptions } from './project-trace-location.js';
import { WhaleflowError } from '../util/index.js';

/** A reading command found no trace database at all. */
export class NoTraceDatabaseError extends WhaleflowError {
  override readonly name = 'NoTraceDatabaseError';
  constructor(readonly path: string) {
    super(`no trace database at ${path} (run a workflow here first, or point to one with --db or WHALEFLOW_HOME)`);
  }
}

/**
 * Opens (creating and migrating as needed) the project's trace database. Redaction uses the
 * given environment, so the values of its KEY, TOKEN, SECRET and PASSWORD variables are
 * never written. With `mustExist`, a missing database is an error instead of a new file:
 * reading commands should not litter a directory with an empty `.whaleflow/`.
 * An existing database that cannot be written (a read-only directory) opens for reading, so
 * reading commands work there; a write then fails with an error naming the file.
 */
export function openProjectTrace(options: TraceLocationOptions & { readonly mustExist?: boolean }): SqliteTraceStore {
  const path = projectTracePath(options);
  if (options.mustExist && !existsSync(path)) throw new NoTraceDatabaseError(path);
  return new SqliteTraceStore(path, { redactor: new SecretRedactor(options.env ?? process.env), readOnlyFallback: true });
}

