// Test support: damage a real project database the ways disks, copies and people do.
import Database from 'better-sqlite3';
import { closeSync, openSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';

export type Damage = 'not_sqlite' | 'truncated' | 'corrupt_page';

export const DAMAGES: readonly Damage[] = ['not_sqlite', 'truncated', 'corrupt_page'];

/** Folds the WAL into the file and closes, so the damage below hits the only copy of each page. */
export function checkpoint(path: string): void {
  const database = new Database(path);
  database.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
}

/** The page numbers of a table's b-tree root (and the page size), read before damaging. */
export function rootPage(path: string, table: string): { readonly page: number; readonly pageSize: number } {
  const database = new Database(path, { readonly: true });
  try {
    const row = database.prepare<[string], { rootpage: number }>('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(table);
    if (!row) throw new Error(`no table ${table} in ${path}`);
    return { page: row.rootpage, pageSize: database.pragma('page_size', { simple: true }) as number };
  } finally {
    database.close();
  }
}

/** Overwrites `pages` pages from `page` on (1-based) with a repeating garbage pattern. */
export function overwritePages(path: string, page: number, pageSize: number, pages = 1): void {
  const descriptor = openSync(path, 'r+');
  try {
    writeSync(descriptor, Buffer.alloc(pageSize * pages, 0xa5), 0, pageSize * pages, (page - 1) * pageSize);
  } finally {
    closeSync(descriptor);
  }
}

/** Damages the database at `path` (whose connections are all closed). */
export function damageDatabase(path: string, damage: Damage): void {
  checkpoint(path);
  switch (damage) {
    case 'not_sqlite':
      writeFileSync(path, 'these are my notes, not a database\n');
      return;
    case 'truncated':
      truncateSync(path, Math.floor(statSync(path).size / 2));
      return;
    case 'corrupt_page': {
      const { page, pageSize } = rootPage(path, 'events');
      overwritePages(path, page, pageSize);
      return;
    }
  }
}
