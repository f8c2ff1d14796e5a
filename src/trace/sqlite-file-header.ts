import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** What the first 100 bytes of an SQLite database file say, read without SQLite. */
export interface SqliteFileHeader {
  /** The file's size in bytes. */
  readonly size: number;
  readonly pageBytes: number;
  /** The pages the header records; 0 when SQLite would not trust that field (or it is 0). */
  readonly pageCount: number;
  /** `PRAGMA user_version`, as of the file (a WAL may hold a newer one). */
  readonly userVersion: number;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
const HEADER_BYTES = 100;

/** The bytes of `path`'s WAL (0 when it has none). */
export function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * The header of the SQLite database at `path`; undefined when there is no such file, it cannot
 * be read, it is shorter than a header (an empty file is a new database) or it is not SQLite's.
 */
export function readSqliteFileHeader(path: string): SqliteFileHeader | undefined {
  let size: number;
  const header = Buffer.alloc(HEADER_BYTES);
  try {
    size = statSync(path).size;
    if (size < HEADER_BYTES) return undefined;
    const descriptor = openSync(path, 'r');
    try {
      readSync(descriptor, header, 0, HEADER_BYTES, 0);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    return undefined;
  }
  if (header.toString('latin1', 0, 16) !== SQLITE_MAGIC) return undefined;
  const pageSizeField = header.readUInt16BE(16);
  // The in-header page count counts only when the change counter matches version-valid-for (SQLite's rule).
  const countValid = header.readUInt32BE(24) === header.readUInt32BE(92);
  return {
    size,
    pageBytes: pageSizeField === 1 ? 65_536 : pageSizeField,
    pageCount: countValid ? header.readUInt32BE(28) : 0,
    userVersion: header.readUInt32BE(60),
  };
}
