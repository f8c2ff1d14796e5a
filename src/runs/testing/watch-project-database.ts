// Test support: a project with the wide workflow, and a second reader of its database that
// watches what a child process records (WAL: never in the writer's way).
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wideWorkflow } from './wide-workflow.js';

/** A temp project holding `wide.json` (leafCount leaves) and the given mock fixtures (name → YAML). */
export function wideProject(prefix: string, leafCount: number, fixtures: Readonly<Record<string, string>>): { directory: string; database: string } {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(directory, 'wide.json'), JSON.stringify(wideWorkflow(leafCount)));
  for (const [name, text] of Object.entries(fixtures)) writeFileSync(join(directory, name), text);
  return { directory, database: join(directory, '.whaleflow', 'whaleflow.db') };
}

/** Rows of a query, or none while the file does not exist or is not migrated yet. */
export function queryDatabase<T>(path: string, sql: string, ...parameters: unknown[]): T[] {
  if (!existsSync(path)) return [];
  const reader = new Database(path, { readonly: true });
  try {
    return reader.prepare(sql).all(...parameters) as T[];
  } catch {
    return [];
  } finally {
    reader.close();
  }
}

export function completedEffects(path: string, runId: string): number {
  return queryDatabase<{ n: number }>(path, "SELECT COUNT(*) AS n FROM events WHERE run_id = ? AND type = 'effect_completed'", runId)[0]?.n ?? 0;
}

/** Polls until the predicate holds; on timeout the error carries the child's output. */
export async function waitFor(predicate: () => boolean, what: string, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}\n${output()}`);
}
