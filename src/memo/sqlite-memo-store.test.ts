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
import { evictMemoEntries, markMemoEntriesStale, readMemoInventory, readMemoStorage } from './memo-maintenance.js';

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

describe('memo scopes, stale marks and use counts (what the janitor relies on)', () => {
  const request: ModelRequest = { route: { provider: 'mock', model: 'm' }, messages: [{ role: 'user', content: 'q' }], temperature: 0 };

  it('never serves an answer made in another scope of its route; the new answer replaces it', async () => {
    const store = new SqliteMemoStore(':memory:');
    let scope = '{"model":"mock/m","revision":"a"}';
    const provider = new MockModelClient();
    const memo = new MemoizingModelClient(provider, { store, scopeOf: () => scope });
    await memo.generate(request, { runId: 'r1' });
    await memo.generate(request, { runId: 'r2' });
    expect(provider.calls).toHaveLength(1);
    scope = '{"model":"mock/m","revision":"b"}';
    await memo.generate(request, { runId: 'r3' });
    expect(provider.calls).toHaveLength(2);
    expect([...store.entries()].map((stored) => stored.scope)).toEqual([scope]);
    await memo.generate(request, { runId: 'r4' });
    expect(provider.calls).toHaveLength(2);
    store.close();
  });

  it('never serves an entry marked stale, and counts the uses of the ones it serves', async () => {
    const database = new Database(':memory:');
    const store = new SqliteMemoStore(database);
    const provider = new MockModelClient();
    const memo = new MemoizingModelClient(provider, { store, now: () => 5_000 });
    await memo.generate(request, { runId: 'r1' });
    await memo.generate(request, { runId: 'r2' });
    await memo.generate(request, { runId: 'r3' });
    const [before] = readMemoInventory(database);
    expect(before).toMatchObject({ hits: 2, lastUsedAtMs: 5_000, staleReason: null });
    expect(markMemoEntriesStale(database, [{ key: before!.key, reason: 'provider endpoint changed' }], 6_000)).toBe(1);
    expect(store.get(before!.key)?.stale).toBe('provider endpoint changed');
    await memo.generate(request, { runId: 'r4' });
    expect(provider.calls).toHaveLength(2);
    // The fresh answer replaced the stale one: served again, counted from zero.
    expect(readMemoInventory(database)[0]).toMatchObject({ hits: 0, staleReason: null });
    expect(readMemoStorage(database)).toMatchObject({ entries: 1, stale: 0 });
    expect(evictMemoEntries(database, [before!.key, 'absent'])).toEqual({ entries: 1, bytes: before!.bytes });
    expect(readMemoStorage(database)).toEqual({ entries: 0, bytes: 0, stale: 0, hits: 0 });
    database.close();
  });

  it('adopts a memo table made before it was versioned, keeping its entries (served: their scope is unknown)', async () => {
    const database = new Database(':memory:');
    database.exec(`CREATE TABLE armh_memo (key TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL, response_json TEXT NOT NULL,
      input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, deterministic INTEGER NOT NULL, run_id TEXT, created_at_ms INTEGER NOT NULL)`);
    const old = new MemoizingModelClient(new MockModelClient(), { store: { ...rawV1Store(database) } });
    await old.generate(request, { runId: 'r0' });
    const store = new SqliteMemoStore(database);
    expect(database.prepare("SELECT version FROM component_schema WHERE component = 'memo'").get()).toEqual({ version: 2 });
    const provider = new MockModelClient();
    await new MemoizingModelClient(provider, { store, scopeOf: () => '{"model":"mock/m"}' }).generate(request, { runId: 'r1' });
    expect(provider.calls).toHaveLength(0);
    expect(readMemoInventory(database)[0]).toMatchObject({ scope: null, hits: 1 });
    database.close();
  });

  it('reads a database not yet migrated without writing to it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wf-memo-')), 'whaleflow.db');
    const writer = new Database(path);
    writer.exec(`CREATE TABLE armh_memo (key TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL, response_json TEXT NOT NULL,
      input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, deterministic INTEGER NOT NULL, run_id TEXT, created_at_ms INTEGER NOT NULL)`);
    writer.prepare("INSERT INTO armh_memo VALUES ('k', 'p', 'm', '{}', 1, 1, 1, NULL, 7)").run();
    writer.close();
    const reader = new Database(path, { readonly: true });
    expect(readMemoInventory(reader)).toEqual([{ key: 'k', provider: 'p', model: 'm', scope: null, bytes: 3, hits: 0, createdAtMs: 7, lastUsedAtMs: null, staleReason: null }]);
    expect(readMemoStorage(reader)).toEqual({ entries: 1, bytes: 3, stale: 0, hits: 0 });
    const store = new SqliteMemoStore(reader);
    expect(store.get('k')?.createdAtMs).toBe(7);
    reader.close();
  });
});

/** What the memo store of earlier releases did: plain rows, no scope, no use counts. */
function rawV1Store(database: Database.Database): MemoStore {
  return {
    get: () => undefined,
    put: (stored) => {
      database
        .prepare('INSERT OR REPLACE INTO armh_memo VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(stored.key, stored.route.provider, stored.route.model, JSON.stringify(stored.response), stored.response.usage.inputTokens, stored.response.usage.outputTokens, 1, stored.runId ?? null, stored.createdAtMs);
    },
    clear: () => 0,
    stats: () => ({ entries: 0, storedInputTokens: 0, storedOutputTokens: 0 }),
    entries: () => [],
  };
}
