import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MockModelClient, type ModelRequest } from '../providers/index.js';
import { InMemoryMemoStore } from './in-memory-memo-store.js';
import type { MemoEntry } from './memo-entry.js';
import type { MemoStore } from './memo-store.js';
import { MemoizingModelClient } from './memoizing-model-client.js';
import { SqliteMemoStore } from './sqlite-memo-store.js';

const entry: MemoEntry = {
  key: 'armh-v1:abc',
  route: { provider: 'p', model: 'org/m' },
  response: {
    text: 'hello',
    toolCalls: [{ id: 'c1', name: 'grep', arguments: { pattern: 'x' } }],
    finishReason: 'tool_calls',
    usage: { inputTokens: 10, outputTokens: 3, cacheHitInputTokens: 4, cacheMissInputTokens: 6 },
  },
  deterministic: true,
  runId: 'r1',
  createdAtMs: 1_700_000_000_000,
};

function describeMemoStore(name: string, makeStore: () => MemoStore): void {
  describe(`MemoStore conformance: ${name}`, () => {
    it('returns what was put, counts and clears', () => {
      const store = makeStore();
      expect(store.get(entry.key)).toBeUndefined();
      store.put(entry);
      store.put({ ...entry, key: 'armh-v1:def', runId: undefined, deterministic: false });
      expect(store.get(entry.key)).toEqual(entry);
      expect(store.get('armh-v1:def')?.runId).toBeUndefined();
      expect(store.stats()).toEqual({ entries: 2, storedInputTokens: 20, storedOutputTokens: 6 });
      expect([...store.entries()].map((stored) => stored.key).sort()).toEqual(['armh-v1:abc', 'armh-v1:def']);
      expect(store.clear()).toBe(2);
      expect(store.stats().entries).toBe(0);
    });

    it('replaces an entry with the same key', () => {
      const store = makeStore();
      store.put(entry);
      store.put({ ...entry, response: { ...entry.response, text: 'newer' } });
      expect(store.get(entry.key)?.response.text).toBe('newer');
      expect(store.stats().entries).toBe(1);
    });
  });
}

describeMemoStore('in-memory', () => new InMemoryMemoStore());
describeMemoStore('sqlite', () => new SqliteMemoStore(':memory:'));

describe('SqliteMemoStore', () => {
  it('persists across store instances, so a later process gets cross-run hits', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wf-memo-')), '.whaleflow', 'whaleflow.db');
    const request: ModelRequest = { route: { provider: 'mock', model: 'm' }, messages: [{ role: 'user', content: 'q' }], temperature: 0 };

    const firstStore = new SqliteMemoStore(path);
    const firstProvider = new MockModelClient();
    await new MemoizingModelClient(firstProvider, { store: firstStore }).generate(request, { runId: 'r1' });
    firstStore.close();

    const secondStore = new SqliteMemoStore(path);
    const secondProvider = new MockModelClient();
    const memo = new MemoizingModelClient(secondProvider, { store: secondStore });
    await memo.generate(request, { runId: 'r2' });
    expect(secondProvider.calls).toHaveLength(0);
    expect(memo.telemetry.counters().hits).toBe(1);
    secondStore.close();
  });

  it('shares a database handle without touching other tables, in WAL mode', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wf-memo-')), 'whaleflow.db');
    const database = new Database(path);
    database.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)');
    database.prepare('INSERT INTO events (body) VALUES (?)').run('x');
    const store = new SqliteMemoStore(database);
    new SqliteMemoStore(database).put(entry);
    store.clear();
    expect(database.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 1 });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
    expect(database.open).toBe(true);
    database.close();
  });
});
