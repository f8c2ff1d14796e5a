import type Database from 'better-sqlite3';
import { readMemoStorage } from '../memo/index.js';
import { readDatabaseFacts } from './database-facts.js';
import { JanitorRecords } from './janitor-records.js';
import { formatBytes } from './janitor-summary.js';

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.floor(hours / 24)}d ago`;
}

/**
 * One line for the TUI footer: the database's size, the memo's, and the last janitor pass —
 * e.g. `db 48.2 MiB (3.1 MiB free) · memo 1204 entries, 12.0 MiB, 3 stale · janitor: pass 7 2h ago, completed`.
 * Reads only (a handle that never migrated anything still works).
 */
export function storageLine(database: Database.Database, path: string, now: number): string {
  const facts = readDatabaseFacts(database, path);
  const memo = readMemoStorage(database);
  const last = JanitorRecords.read(database).lastPass();
  const janitor = last ? `janitor: pass ${last.id} ${ago(now - last.startedAt)}, ${last.outcome === 'running' ? 'interrupted or running' : last.outcome}` : 'janitor: no pass yet';
  return `db ${formatBytes(facts.fileBytes + facts.walBytes)} (${formatBytes(facts.freeBytes)} free) · memo ${memo.entries} entries, ${formatBytes(memo.bytes)}, ${memo.stale} stale · ${janitor}`;
}
