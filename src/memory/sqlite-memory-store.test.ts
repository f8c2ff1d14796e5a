import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitText } from './context-text.js';
import { readLines } from './memory-operations.js';
import { SqliteMemoryStore } from './sqlite-memory-store.js';

const directories: string[] = [];
afterEach(() => directories.splice(0).forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** A text of `count` numbered lines in chunks of about 64 characters, saved as context "log". */
function storedLines(path: string, count: number) {
  const store = new SqliteMemoryStore(path, { repository: '/repo' });
  const text = splitText(Array.from({ length: count }, (_, index) => `line ${index + 1}`).join('\n') + '\n', 64);
  store.saveVersion({ name: 'log', text, origin: 'import' });
  return { store, context: { name: 'log', hash: text.hash, bytes: text.bytes, lines: text.lines }, chunks: text.chunks.length };
}

describe('SqliteMemoryStore: chunk reads', () => {
  it('reads exactly the lines asked for, within one chunk and across chunk boundaries, at both ends of the text', () => {
    const { store, context, chunks } = storedLines(':memory:', 200);
    try {
      expect(chunks).toBeGreaterThan(10);
      const expected = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, index) => `line ${first + index}`);
      for (const [first, last] of [[1, 1], [1, 3], [7, 9], [5, 60], [150, 200], [200, 200], [190, 250]] as const) {
        expect(readLines(store, context, first, last)).toEqual(expected(first, Math.min(last, 200)));
      }
      expect(store.chunksCovering(context.hash, 100, 100)).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('stores a text once across loads, and whole again after a clear removed it', () => {
    const { store, context } = storedLines(':memory:', 200);
    try {
      const text = splitText(Array.from({ length: 200 }, (_, index) => `line ${index + 1}`).join('\n') + '\n', 64);
      store.saveVersion({ name: 'copy', text, origin: 'import' });
      expect(store.list().map((stored) => stored.hash)).toEqual([context.hash, context.hash]);
      store.clear(undefined, { force: true });
      expect(store.hasText(context.hash)).toBe(false);
      store.saveVersion({ name: 'log', text, origin: 'import' });
      expect(readLines(store, context, 198, 200)).toEqual(['line 198', 'line 199', 'line 200']);
    } finally {
      store.close();
    }
  });

  it('migrates a version 1 database (no line index): its texts stay readable and peeks use the index', () => {
    const directory = mkdtempSync(join(tmpdir(), 'whaleflow-memory-store-'));
    directories.push(directory);
    const path = join(directory, 'whaleflow.db');
    storedLines(path, 120).store.close();
    const database = new Database(path);
    database.exec("DROP INDEX memory_text_chunks_by_line; UPDATE component_schema SET version = 1 WHERE component = 'memory'");
    database.close();

    const reopened = new SqliteMemoryStore(path, { repository: '/repo' });
    try {
      const context = reopened.list()[0]!;
      expect(readLines(reopened, { name: 'log', hash: context.hash, bytes: context.bytes, lines: context.lines }, 99, 101)).toEqual(['line 99', 'line 100', 'line 101']);
    } finally {
      reopened.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      expect(check.prepare("SELECT version FROM component_schema WHERE component = 'memory'").get()).toEqual({ version: 2 });
      const plan = check.prepare('EXPLAIN QUERY PLAN SELECT seq FROM memory_text_chunks WHERE hash = ? AND first_line <= ?').all('x', 1) as { detail: string }[];
      expect(plan.map((row) => row.detail).join(' ')).toContain('memory_text_chunks_by_line');
    } finally {
      check.close();
    }
  });
});
