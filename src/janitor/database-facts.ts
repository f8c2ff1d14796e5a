import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';

export type AutoVacuumMode = 'none' | 'full' | 'incremental';

/** The project database as a file: how big, how much of it is free pages, how it returns them. */
export interface DatabaseFacts {
  readonly path: string;
  /** The main file's size on disk. */
  readonly fileBytes: number;
  /** The write-ahead log's size on disk (0 when there is none). */
  readonly walBytes: number;
  readonly pageSize: number;
  /** Pages in use (the file's pages minus free ones), in bytes. */
  readonly usedBytes: number;
  /** Free pages inside the file, in bytes: what a vacuum returns without deleting anything. */
  readonly freeBytes: number;
  readonly autoVacuum: AutoVacuumMode;
}

export function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

const AUTO_VACUUM_MODES: readonly AutoVacuumMode[] = ['none', 'full', 'incremental'];

/** Reads the facts through `database` (read-only is fine: only pragmas that read). */
export function readDatabaseFacts(database: Database.Database, path: string): DatabaseFacts {
  const pageSize = database.pragma('page_size', { simple: true }) as number;
  const pageCount = database.pragma('page_count', { simple: true }) as number;
  const freePages = database.pragma('freelist_count', { simple: true }) as number;
  const mode = database.pragma('auto_vacuum', { simple: true }) as number;
  return {
    path,
    fileBytes: fileSize(path),
    walBytes: fileSize(`${path}-wal`),
    pageSize,
    usedBytes: (pageCount - freePages) * pageSize,
    freeBytes: freePages * pageSize,
    autoVacuum: AUTO_VACUUM_MODES[mode] ?? 'none',
  };
}
