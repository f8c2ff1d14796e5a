import Database from 'better-sqlite3';
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makeDirectories, ProjectDatabaseError, projectDatabaseError, retryWhileBusy } from '../util/index.js';
import { readSqliteFileHeader, walBytes } from './sqlite-file-header.js';
import { TraceSchemaTooNewError } from './trace-errors.js';
import { migrateTraceDatabase, TRACE_SCHEMA_VERSION } from './trace-migrations.js';

export interface TraceDatabaseAccess {
  /**
   * When the database cannot be written (a read-only directory or file system), open it for
   * reading instead of failing: reading commands work, and any write fails with a clear error.
   */
  readonly readOnlyFallback?: boolean;
  /**
   * SQLite's page cache of this connection, in KiB. better-sqlite3 builds SQLite with a 16 MiB
   * default, which a connection fills as it writes a database that large; a writer that only
   * appends needs few of those pages again.
   */
  readonly pageCacheKib?: number;
}

export interface OpenedTraceDatabase {
  readonly database: Database.Database;
  /** True when opened for reading only; every write raises a ProjectDatabaseError (read_only). */
  readonly readOnly: boolean;
  /** A private copy read instead of the original (see openSnapshot); removed by `discard`. */
  readonly snapshotDirectory: string | undefined;
}

/** The code of the error for an old schema in a database that cannot be written (so not migrated). */
const UPGRADE_NEEDED = 'WHALEFLOW_SCHEMA_UPGRADE';

/** The OS's reason a file or directory cannot be written, if it cannot (EACCES, EROFS, …). */
export function unwritableReason(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EACCES';
  }
}

function translate(error: unknown, path: string): unknown {
  return projectDatabaseError(error, path, path === ':memory:' ? undefined : unwritableReason(dirname(path))) ?? error;
}

function closeQuietly(database: Database.Database | undefined): void {
  try {
    database?.close();
  } catch {
    // Closing a handle that failed to open has nothing left to release.
  }
}

/**
 * A file cut short (a copy interrupted, a full disk during a copy) reads as zeroed pages,
 * which SQLite reports only when some query reaches one: so which command fails, and when,
 * would depend on what it reads. The header says how long the file must be; checking that
 * up front turns it into one clear error. Only when no WAL holds pages: while a checkpoint
 * copies pages into the file, it is briefly shorter than its header says.
 */
function assertNotTruncated(path: string): void {
  if (path === ':memory:' || walBytes(path) > 0) return;
  // No header (a new or empty database, unreadable, not SQLite's): opening it says what is wrong.
  const header = readSqliteFileHeader(path);
  if (header === undefined || header.pageCount === 0) return;
  const expected = header.pageCount * header.pageBytes;
  if (header.size >= expected) return;
  throw new ProjectDatabaseError(
    path,
    'damaged',
    'WHALEFLOW_TRUNCATED',
    `${path} is damaged: it is truncated (${header.size} bytes of the ${expected} its header records). Save what is readable with \`sqlite3 ${JSON.stringify(path)} .recover | sqlite3 ${JSON.stringify(`${path}.recovered`)}\`, then move the damaged file aside (and the recovered one into its place); the next run starts a new database if none is there.`,
  );
}

/** The normal way in: WAL, migrated to the current schema. Throws a translated error. */
function openWritable(path: string, pageCacheKib: number | undefined): Database.Database {
  assertNotTruncated(path);
  let database: Database.Database | undefined;
  try {
    if (path !== ':memory:') makeDirectories(dirname(path));
    database = new Database(path);
    // A new database frees pages incrementally (the janitor's `PRAGMA incremental_vacuum`), which
    // can only be chosen before the first table; an older one is converted by the janitor once.
    const opened = database;
    const fresh = retryWhileBusy(() => chooseFormat(opened));
    // NORMAL in WAL mode: a commit survives a process crash (kill -9); only an OS crash may lose
    // the last commits. A new database takes it only once it has its schema: its first commits
    // (all in the new WAL, whose header NORMAL would fsync) hold nothing of the user's, and a WAL
    // an OS crash left torn is ignored, so the next open finds no schema and migrates again.
    if (!fresh) database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma(`wal_autocheckpoint = ${checkpointPages(database.pragma('page_size', { simple: true }) as number)}`);
    if (pageCacheKib !== undefined) database.pragma(`cache_size = ${-Math.max(1, Math.floor(pageCacheKib))}`);
    checkVersion(database, path);
    migrateTraceDatabase(database);
    if (fresh) database.pragma('synchronous = NORMAL');
    return database;
  } catch (error) {
    closeQuietly(database);
    throw translate(error, path);
  }
}

/**
 * A new database's page size. A run appends its rows and blobs at the end of the file, and every
 * page goes through the WAL and back out at a checkpoint with a system call or two each: with
 * 16 KiB pages the writer makes a quarter of those calls (and splits a quarter as many B-tree
 * pages) for the same bytes. A database made with another page size keeps it.
 */
const NEW_DATABASE_PAGE_BYTES = 16_384;

/**
 * How much WAL a writing connection lets grow before it checkpoints: SQLite's default, 1,000
 * pages of its default 4 KiB. With `synchronous = NORMAL` the WAL is synced only at checkpoints,
 * so this is what an OS crash may take of the last commits; it stays the same in bytes whatever
 * the page size.
 */
const CHECKPOINT_WAL_BYTES = 1_000 * 4_096;

/**
 * For a connection that records runs (the writer thread's, an inline recorder's): SQLite's undo
 * log of one statement inside a transaction (a 64-row INSERT that a constraint could stop part
 * way) kept in memory. SQLite holds it in memory up to 64 KiB and then writes it to a temporary
 * file; each such INSERT logs the pages it changes whole, and with 16 KiB pages that passed 64 KiB,
 * so a 10,000-leaf run wrote ~69 MB of these files besides its ~22 MB database. Not for other
 * connections: the setting also keeps temporary tables in memory, and VACUUM's copy is one.
 */
export function keepStatementJournalsInMemory(database: Database.Database): void {
  database.pragma('temp_store = MEMORY');
}

/** wal_autocheckpoint for pages of `pageBytes`: CHECKPOINT_WAL_BYTES of them. */
function checkpointPages(pageBytes: number): number {
  return Math.max(1, Math.round(CHECKPOINT_WAL_BYTES / pageBytes));
}

/**
 * WAL, and for a new database incremental freeing and NEW_DATABASE_PAGE_BYTES; repeatable, so a busy start is simply retried.
 * True for a new database, which is left with `synchronous = OFF` (see openWritable).
 */
function chooseFormat(database: Database.Database): boolean {
  const fresh = database.pragma('page_count', { simple: true }) === 0;
  if (fresh) {
    // First: SQLite takes a page size only before anything else shapes the new file.
    database.pragma(`page_size = ${NEW_DATABASE_PAGE_BYTES}`);
    // Empty, so an OS crash could lose nothing of the user's: choosing its format need not wait
    // for the disk (with the default FULL, these two pragmas fsync ~30 ms into every first run).
    database.pragma('synchronous = OFF');
    database.pragma('auto_vacuum = INCREMENTAL');
  }
  database.pragma('journal_mode = WAL');
  return fresh;
}

function checkVersion(database: Database.Database, path: string): number {
  const version = database.pragma('user_version', { simple: true }) as number;
  if (version > TRACE_SCHEMA_VERSION) throw new TraceSchemaTooNewError(path, version, TRACE_SCHEMA_VERSION);
  return version;
}

/** A read-only connection; fails (translated) when even reading needs a write here (WAL's -shm). */
function openReadOnly(file: string, reportedPath: string): Database.Database {
  let database: Database.Database | undefined;
  try {
    database = new Database(file, { readonly: true, fileMustExist: true });
    database.pragma('busy_timeout = 5000');
    const version = checkVersion(database, reportedPath);
    if (version < TRACE_SCHEMA_VERSION) {
      throw new ProjectDatabaseError(
        reportedPath,
        'read_only',
        UPGRADE_NEEDED,
        `${reportedPath} was written by an older WhaleFlow (trace schema ${version}, this one reads ${TRACE_SCHEMA_VERSION}) and must be upgraded, but it cannot be written here; make its directory writable once and run any whaleflow command.`,
      );
    }
    return database;
  } catch (error) {
    closeQuietly(database);
    throw translate(error, reportedPath);
  }
}

/**
 * A database in WAL mode can only be read where its `-shm` index can be created: in a
 * read-only directory SQLite cannot open it at all. Nothing can be writing to such a
 * directory, so a private copy (with any `-wal` left by a crash) reads exactly the same runs.
 */
function openSnapshot(path: string): OpenedTraceDatabase {
  const directory = mkdtempSync(join(tmpdir(), 'whaleflow-readonly-'));
  try {
    const copy = join(directory, basename(path));
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    return { database: openReadOnly(copy, path), readOnly: true, snapshotDirectory: directory };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw translate(error, path);
  }
}

/**
 * Opens the trace database at `path`: created and migrated when writable; with
 * `readOnlyFallback`, an existing database that cannot be written is opened for reading.
 * Every failure is a ProjectDatabaseError (or TraceSchemaTooNewError) naming the file.
 */
export function openTraceDatabase(path: string, access: TraceDatabaseAccess = {}): OpenedTraceDatabase {
  try {
    return { database: openWritable(path, access.pageCacheKib), readOnly: false, snapshotDirectory: undefined };
  } catch (error) {
    const unwritable = error instanceof ProjectDatabaseError && error.problem === 'read_only';
    if (!unwritable || !access.readOnlyFallback || path === ':memory:' || !existsSync(path)) throw error;
  }
  try {
    return { database: openReadOnly(path, path), readOnly: true, snapshotDirectory: undefined };
  } catch (error) {
    // What a WAL database says where its -shm cannot be created: read-only directory (EACCES) or file system (EROFS).
    const needsShm = error instanceof ProjectDatabaseError && (error.code.startsWith('SQLITE_CANTOPEN') || error.code.startsWith('SQLITE_READONLY_'));
    if (!needsShm) throw error;
  }
  return openSnapshot(path);
}

/** The error for a write to a database that was opened for reading only. */
export function readOnlyDatabaseError(path: string): ProjectDatabaseError {
  const denied = Object.assign(new Error('opened read-only'), { code: 'SQLITE_READONLY' });
  return projectDatabaseError(denied, path, unwritableReason(dirname(path)))!;
}

/** Removes a snapshot made by openTraceDatabase. */
export function discardSnapshot(opened: Pick<OpenedTraceDatabase, 'snapshotDirectory'>): void {
  if (opened.snapshotDirectory) rmSync(opened.snapshotDirectory, { recursive: true, force: true });
}
