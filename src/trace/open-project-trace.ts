import { SecretRedactor } from './redact-secrets.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { projectTracePath, type TraceLocationOptions } from './project-trace-location.js';

/**
 * Opens (creating and migrating as needed) the project's trace database. Redaction uses the
 * given environment, so the values of its KEY, TOKEN, SECRET and PASSWORD variables are
 * never written.
 */
export function openProjectTrace(options: TraceLocationOptions): SqliteTraceStore {
  return new SqliteTraceStore(projectTracePath(options), { redactor: new SecretRedactor(options.env ?? process.env) });
}
