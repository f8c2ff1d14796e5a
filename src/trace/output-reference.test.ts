import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/contracts/index.js';
import { REDACTED, SecretRedactor } from '../util/index.js';
import { legacyEventRowBody } from './event-row.js';
import { NODE_VIEW_TYPES } from './event-stream.js';
import { InMemoryTraceStore } from './in-memory-trace-store.js';
import { OUTPUT_REFERENCE_KEY } from './output-reference.js';
import { SqliteTraceStore } from './sqlite-trace-store.js';
import { nodeIdOf, SerializedBatchBuilder, type SerializedBatch } from './stored-event-codec.js';
import { fakeRunEvents } from './testing/index.js';
import { DamagedEventError } from './trace-errors.js';
import { migrateTraceDatabase, TRACE_SCHEMA_VERSION } from './trace-migrations.js';

function databasePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'whaleflow-output-reference-')), 'whaleflow.db');
}

const longOutput = (index: number): string => `leaf ${index} says: ${'lorem ipsum '.repeat(12)}`;

/** The events in batches as a sink cuts them: one builder, so a node_finished may refer to an earlier batch. */
function batchesOf(events: readonly RunEvent[], size: number): SerializedBatch[] {
  const builder = new SerializedBatchBuilder();
  const batches: SerializedBatch[] = [];
  for (const event of events) {
    builder.add(event);
    if (builder.length === size) batches.push(builder.take());
  }
  batches.push(builder.take());
  return batches;
}

function payloads(store: SqliteTraceStore, runId: string, type: RunEvent['type']): string[] {
  return store.database.prepare<[string, string], { payload: string }>('SELECT payload FROM events WHERE run_id = ? AND type = ? ORDER BY seq').all(runId, type).map((row) => row.payload);
}

const nodeRunsView = 'SELECT node_id, status, output, armh_hits FROM node_runs WHERE run_id = ? ORDER BY node_id';

describe("a node's output stored once", () => {
  it('stores node_finished with a reference to its effect row, and every read gives back the same events', () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'r', leafCount: 4, outputOf: longOutput });
    // Batches of 4 events: most node_finished rows refer to an effect_completed of an earlier batch.
    for (const batch of batchesOf(events, 4)) store.appendSerialized(batch);
    const finished = payloads(store, 'r', 'node_finished');
    const referring = finished.filter((payload) => payload.includes(OUTPUT_REFERENCE_KEY));
    expect(referring).toHaveLength(4);
    for (const payload of finished) expect(payload).not.toContain('lorem');
    // The whole log, a resumed read, the node events alone, one node's events, and the views.
    expect(store.events('r').map((entry) => entry.event)).toEqual(events);
    expect(store.events('r', 9).map((entry) => entry.event)).toEqual(events.slice(9));
    expect(store.readableEvents('r')).toEqual({ events: store.events('r'), damaged: [] });
    expect([...store.eventStream('r', { types: NODE_VIEW_TYPES })].map((entry) => entry.event)).toEqual(events.filter((event) => NODE_VIEW_TYPES.includes(event.type)));
    expect([...store.eventStream('r', { nodeId: 'leaf-2', types: ['node_finished'] })].map((entry) => entry.event)).toEqual(
      events.filter((event) => event.type === 'node_finished' && event.nodeId === 'leaf-2'),
    );
    const plain = new InMemoryTraceStore();
    plain.appendEvents(events);
    expect(store.nodeRuns('r')).toEqual(plain.nodeRuns('r'));
    expect(store.leafRuns('r')).toEqual(plain.leafRuns('r'));
    expect(store.database.prepare(nodeRunsView).all('r').map((row) => (row as { output: string | null }).output)).toEqual([null, ...[0, 1, 2, 3].map(longOutput)]);
    store.close();
  });

  it('reads a trace written before references (schema 3: lean rows, outputs in place) unchanged, before and after the migration', () => {
    const path = databasePath();
    const raw = new Database(path);
    migrateTraceDatabase(raw, 3);
    const events = fakeRunEvents({ runId: 'old', leafCount: 3, outputOf: longOutput });
    // Rows as schema 3 wrote them: the lean body, every output in place.
    const insert = raw.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)');
    events.forEach((event, seq) => insert.run(event.runId, seq, event.type, nodeIdOf(event), event.at, JSON.stringify(legacyEventRowBody(event))));
    const viewBefore = raw.prepare(nodeRunsView).all('old');
    raw.close();
    const store = new SqliteTraceStore(path);
    expect(store.database.pragma('user_version', { simple: true })).toBe(TRACE_SCHEMA_VERSION);
    expect(store.events('old').map((entry) => entry.event)).toEqual(events);
    expect(store.database.prepare(nodeRunsView).all('old')).toEqual(viewBefore);
    // A run written now into the same database reads the same, and its views agree.
    const now = fakeRunEvents({ runId: 'new', leafCount: 3, outputOf: longOutput });
    store.appendEvents(now);
    expect(payloads(store, 'new', 'node_finished').filter((payload) => payload.includes(OUTPUT_REFERENCE_KEY))).toHaveLength(3);
    expect(store.events('new').map((entry) => entry.event)).toEqual(now);
    expect(store.database.prepare(nodeRunsView).all('new')).toEqual(viewBefore);
    expect(store.leafRuns('new')).toEqual(store.leafRuns('old'));
    store.close();
  });

  it('redacts a secret in an output stored once, in the effect and in the node read back, and stores it nowhere', () => {
    const secret = 'tok-1234567890-abcdef';
    const store = new SqliteTraceStore(databasePath(), { redactor: new SecretRedactor({}, [secret]) });
    const outputOf = (index: number) => (index === 0 ? `the token is ${secret}, keep it safe` : `${'x'.repeat(10_000)} ${secret}`);
    const events = fakeRunEvents({ runId: 's', leafCount: 2, outputOf });
    for (const batch of batchesOf(events, 5)) store.appendSerialized(batch);
    expect(payloads(store, 's', 'node_finished').filter((payload) => payload.includes(OUTPUT_REFERENCE_KEY))).toHaveLength(2);
    const read = store.events('s').map((entry) => entry.event);
    const outputs = read.filter((event) => event.type === 'node_finished' && event.kind === 'leaf').map((event) => (event as Extract<RunEvent, { type: 'node_finished' }>).output);
    expect(outputs).toEqual([`the token is ${REDACTED}, keep it safe`, `${'x'.repeat(10_000)} ${REDACTED}`]);
    const everything = store.database.prepare("SELECT group_concat(payload) AS text FROM events").get() as { text: string };
    const blobs = store.database.prepare('SELECT content FROM blobs').all() as { content: Buffer }[];
    for (const text of [everything.text, ...blobs.map((blob) => blob.content.toString('utf8'))]) expect(text).not.toContain(secret);
    store.close();
  });

  it('keeps a log cut short by a crash readable: an effect whose node never finished, and no reference without its row', () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'cut', leafCount: 2, outputOf: longOutput, unfinished: true });
    const lastEffect = events.findLastIndex((event) => event.type === 'effect_completed');
    // The writer died after the batch holding the last effect: its node_finished never arrived.
    const [first] = batchesOf(events.slice(0, lastEffect + 1), 1_000);
    store.appendSerialized(first!);
    expect(store.events('cut').map((entry) => entry.event)).toEqual(events.slice(0, lastEffect + 1));
    store.close();
  });

  it('says which row is damaged when a reference names a row that is not its effect, and reads the rest', () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'd', leafCount: 2, outputOf: longOutput });
    store.appendEvents(events);
    const [seq] = store.database
      .prepare<[], { seq: number }>("SELECT seq FROM events WHERE run_id = 'd' AND type = 'node_finished' AND node_id = 'leaf-1'")
      .all()
      .map((row) => row.seq);
    store.database.exec("INSERT INTO maintenance_grants (run_id) VALUES ('d')");
    // The reference now names leaf-0's effect row: another node's.
    const leaf0Effect = (store.database.prepare("SELECT seq FROM events WHERE run_id = 'd' AND type = 'effect_completed' AND node_id = 'leaf-0'").get() as { seq: number }).seq;
    store.database.prepare("UPDATE events SET payload = json_set(payload, '$.output', json_object(?, ?)) WHERE run_id = 'd' AND seq = ?").run(OUTPUT_REFERENCE_KEY, leaf0Effect, seq!);
    store.database.exec("DELETE FROM maintenance_grants WHERE run_id = 'd'");
    const readable = store.readableEvents('d');
    expect(readable.damaged.map((error) => error.seq)).toEqual([seq]);
    expect(readable.damaged[0]!.message).toContain('not an effect_completed of that node');
    expect(readable.events).toHaveLength(events.length - 1);
    expect(() => store.events('d')).toThrow(DamagedEventError);
    store.close();
  });

  it('keeps references through compaction, which moves the effect outputs to blobs', () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'c', leafCount: 3, outputOf: (index) => `${longOutput(index)}${'more '.repeat(80)}` });
    store.appendEvents(events);
    const report = store.compactRun('c');
    expect(report.movedToBlobs).toBe(3);
    expect(payloads(store, 'c', 'node_finished').filter((payload) => payload.includes(OUTPUT_REFERENCE_KEY))).toHaveLength(3);
    expect(store.events('c').map((entry) => entry.event)).toEqual(events.filter((event) => event.type !== 'activity'));
    expect(store.database.prepare(nodeRunsView).all('c').map((row) => (row as { output: string | null }).output)[1]).toMatch(/"\$whaleflowBlob"/);
    store.close();
  });

  it("leaves an output in place when a node's details spell the reference, and when the output differs from its effect's", () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'x', leafCount: 2, outputOf: longOutput }).map((event) => {
      if (event.type !== 'node_finished' || event.kind !== 'leaf') return event;
      if (event.nodeId === 'leaf-0') return { ...event, details: { output: { [OUTPUT_REFERENCE_KEY]: -1 } } };
      return { ...event, output: `${event.output} (edited)` };
    });
    store.appendEvents(events);
    expect(payloads(store, 'x', 'node_finished').filter((payload) => payload.includes(`"output":{"${OUTPUT_REFERENCE_KEY}"`))).toHaveLength(1);
    expect(store.events('x').map((entry) => entry.event)).toEqual(events);
    store.close();
  });

  it('refuses a reference after a failed write instead of pointing at a row that may not exist', () => {
    const store = new SqliteTraceStore(databasePath());
    const events = fakeRunEvents({ runId: 'f', leafCount: 1, outputOf: longOutput });
    const effect = events.findIndex((event) => event.type === 'effect_completed');
    const [before, after] = batchesOf(events, effect + 1);
    store.database.exec("CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'effect_completed' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    expect(() => store.appendSerialized(before!)).toThrow(/disk full/);
    store.database.exec('DROP TRIGGER refuse');
    expect(() => store.appendSerialized(after!)).toThrow(/after a failed write/);
    store.close();
  });
});
