import { dirname } from 'node:path';
import { WhaleflowError } from './whaleflow-error.js';

/** What is wrong with the project database, as far as the user has to act on it. */
export type DatabaseProblem = 'not_a_database' | 'damaged' | 'read_only' | 'disk_full' | 'io_error' | 'busy';

/**
 * The project database (`.whaleflow/whaleflow.db`) cannot be opened, read or written. The
 * message names the file and what to do; the CLI prints it without a stack trace. `code` is
 * SQLite's or the OS's error code, for scripts and the trace-failure path.
 */
export class ProjectDatabaseError extends WhaleflowError {
  override readonly name = 'ProjectDatabaseError';
  constructor(
    readonly path: string,
    readonly problem: DatabaseProblem,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_PERM', 'SQLITE_AUTH']);

function problemOf(code: string, errno: string | undefined): DatabaseProblem | undefined {
  if (code === 'SQLITE_NOTADB') return 'not_a_database';
  if (code.startsWith('SQLITE_CORRUPT')) return 'damaged';
  if (code.startsWith('SQLITE_READONLY') || READ_ONLY_CODES.has(code)) return 'read_only';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EFBIG' || code === 'EDQUOT') return 'disk_full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_CANTOPEN')) return errno !== undefined && READ_ONLY_CODES.has(errno) ? 'read_only' : 'io_error';
  if (code.startsWith('SQLITE_IOERR')) return 'io_error';
  return undefined;
}

function describe(path: string, problem: DatabaseProblem, code: string, detail: string): string {
  const quoted = JSON.stringify(path);
  switch (problem) {
    case 'not_a_database':
      return `${path} is not a WhaleFlow project database (SQLite: ${detail}). Move it aside (mv ${quoted} ${JSON.stringify(`${path}.broken`)}) and the next run starts a new one, or point --db / WHALEFLOW_HOME at another database.`;
    case 'damaged':
      return `${path} is damaged (SQLite: ${detail}). Save what is readable with \`sqlite3 ${quoted} .recover | sqlite3 ${JSON.stringify(`${path}.recovered`)}\`, then move the damaged file aside (and the recovered one into its place); the next run starts a new database if none is there.`;
    case 'read_only':
      return `cannot write ${path}: ${dirname(path)} is read-only or not writable by this user (${detail}). Commands that only read (ps, inspect, report, export, blob, replay, memo stats, memory ls/show/search/export, overlay ls/show/diff/log/export) still work; to run, resume, cancel or change memory or the overlay, make it writable or set WHALEFLOW_HOME to a writable directory.`;
    case 'disk_full':
      return `cannot write ${path}: the disk is full or the file-size limit was reached (${detail}). Free some space, then try again.`;
    case 'io_error':
      return code === 'SQLITE_IOERR_WRITE' || code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_TRUNCATE'
        ? `cannot write ${path}: the disk refused the write (${code}: ${detail}); a full disk, a file-size limit or a failing device does this. Free some space or check the disk, then try again.`
        : `${path}: the disk reported an I/O error (${code}: ${detail}). Check the disk and try again; if it persists, the file may be damaged (\`sqlite3 ${quoted} "PRAGMA integrity_check"\`).`;
    case 'busy':
      return `${path} is locked by another process and stayed locked (${detail}); try again in a moment.`;
  }
}

/**
 * Turns an error from SQLite (better-sqlite3's SqliteError) or the file system into a
 * ProjectDatabaseError naming `path`, or returns undefined when the error is something else
 * (a bug, or an error already explained). `errno` is the file system's code when SQLite's own
 * is unspecific (SQLITE_CANTOPEN).
 */
export function projectDatabaseError(error: unknown, path: string, errno?: string): ProjectDatabaseError | undefined {
  if (error instanceof ProjectDatabaseError) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const problem = problemOf(code, errno);
  if (problem === undefined) return undefined;
  const detail = errno !== undefined && code.startsWith('SQLITE_CANTOPEN') ? `${error.message}, ${errno}` : error.message;
  return new ProjectDatabaseError(path, problem, code, describe(path, problem, code, detail), { cause: error });
}
