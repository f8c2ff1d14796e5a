import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executeWorkflow, systemEnvironment, type RunEvent } from '../engine/index.js';
import type { WorkflowSpecInput } from '../ir/index.js';
import { exportRun, recordReplayByReference, SqliteTraceStore, TRACE_SCHEMA_VERSION, TraceSink } from '../trace/index.js';
import { legacyEventRowBody } from '../trace/event-row.js';
import { isOutputReference } from '../trace/output-reference.js';
import { migrateTraceDatabase } from '../trace/trace-migrations.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun } from './replay-run.js';
import { resumeRun } from './resume-run.js';
import { CountingGateway, CountingLeafRunner } from './testing/counting-ports.js';
import { freshStore, HAND_BUILT, recordLiveRun, spec } from './testing/hand-built-specs.js';

/** Leaf outputs long enough to be stored once, by reference (and their usage with them, since schema 6). */
const longOutputs = { outputOf: (leafId: string) => `the answer of ${leafId}: ${'fine '.repeat(10)}` };

/**
 * Traces written before schema 6 (node rows with their node id, a node_finished with its usage)
 * open, read, replay (by reference too), resume and export as before. The schema-5 database is
 * made from runs recorded now: the same rows, its node rows in the shape schema 5 wrote them.
 */
function asSchema5(source: SqliteTraceStore): string {
  const path = join(mkdtempSync(join(tmpdir(), 'whaleflow-schema-5-')), 'whaleflow.db');
  const raw = new Database(path);
  migrateTraceDatabase(raw, 5);
  const insert = raw.prepare('INSERT INTO events (run_id, seq, type, node_id, at, payload) VALUES (?, ?, ?, ?, ?, ?)');
  const rows = source.database.prepare<[], { run_id: string; seq: number; type: string; node_id: string | null; at: number; payload: string }>('SELECT run_id, seq, type, node_id, at, payload FROM events ORDER BY run_id, seq').all();
  const events = new Map<string, Map<number, RunEvent>>();
  for (const row of rows) {
    let byRun = events.get(row.run_id);
    if (!byRun) events.set(row.run_id, (byRun = new Map(source.events(row.run_id).map((entry) => [entry.seq, entry.event]))));
    let payload = row.payload;
    if (row.type === 'node_started' || row.type === 'node_finished') {
      const stored = (JSON.parse(row.payload) as { output?: unknown }).output;
      payload = JSON.stringify(legacyEventRowBody(byRun.get(row.seq)!, isOutputReference(stored) ? stored : undefined));
    }
    insert.run(row.run_id, row.seq, row.type, row.node_id, row.at, payload);
  }
  for (const blob of source.database.prepare<[], { hash: string; size: number; content: Buffer }>('SELECT hash, size, content FROM blobs').all()) {
    raw.prepare('INSERT INTO blobs (hash, size, content) VALUES (?, ?, ?)').run(blob.hash, blob.size, blob.content);
  }
  for (const link of source.database.prepare<[], { run_id: string; hash: string }>('SELECT run_id, hash FROM run_blobs').all()) {
    raw.prepare('INSERT INTO run_blobs (run_id, hash) VALUES (?, ?)').run(link.run_id, link.hash);
  }
  raw.close();
  return path;
}

const nodeRunsView = 'SELECT * FROM node_runs WHERE run_id = ? ORDER BY node_id, iteration';
const leafRunsView = 'SELECT * FROM leaf_runs WHERE run_id = ? ORDER BY node_id, iteration';

describe('a trace of schema 5', () => {
  it('reads back the same events and views after migrating to schema 6, and its node rows are as schema 5 wrote them', async () => {
    const now = freshStore();
    for (const [name, workflow] of Object.entries(HAND_BUILT)) await recordLiveRun(now, workflow, name, longOutputs);
    const path = asSchema5(now);
    const raw = new Database(path);
    const viewsBefore = Object.keys(HAND_BUILT).map((name) => [raw.prepare(nodeRunsView).all(name), raw.prepare(leafRunsView).all(name)]);
    const oldRow = raw.prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'node_finished' AND payload LIKE '%whaleflowOutputOf%' LIMIT 1").get()!.payload;
    expect(oldRow).toContain('"nodeId"');
    expect(oldRow).toContain('"usage"');
    raw.close();
    const old = new SqliteTraceStore(path);
    expect(old.database.pragma('user_version', { simple: true })).toBe(TRACE_SCHEMA_VERSION);
    Object.keys(HAND_BUILT).forEach((name, index) => {
      expect(old.events(name)).toEqual(now.events(name));
      expect(old.nodeRuns(name)).toEqual(now.nodeRuns(name));
      expect(old.leafRuns(name)).toEqual(now.leafRuns(name));
      // The views read the old rows and the lean ones alike.
      expect([old.database.prepare(nodeRunsView).all(name), old.database.prepare(leafRunsView).all(name)]).toEqual(viewsBefore[index]);
      expect([now.database.prepare(nodeRunsView).all(name), now.database.prepare(leafRunsView).all(name)]).toEqual(viewsBefore[index]);
      const exported = (({ exportedAt: _at, ...document }) => document)(exportRun(old, name, { redactor: null }));
      expect(exported).toEqual((({ exportedAt: _at, ...document }) => document)(exportRun(now, name, { redactor: null })));
    });
    now.close();
    old.close();
  });

  it('replays identical, by reference to its old rows, with zero calls', async () => {
    const now = freshStore();
    await recordLiveRun(now, HAND_BUILT['parallel fan-out and reduce']!, 'old-run', longOutputs);
    const store = new SqliteTraceStore(asSchema5(now));
    const replay = async (from: SqliteTraceStore) => {
      const recorded = readRecordedRun(from, 'old-run', { noteRows: true });
      const recorder = recordReplayByReference({ store: from, source: { runId: 'old-run', effects: recorded.effects, rows: recorded.rows! } });
      const outcome = await replayRun({ recorded, runId: 'replay', sink: recorder.sink, trustedSpec: true, environment: { ...systemEnvironment(), now: () => 1_800_000_000_000 }, signal: recorder.failed });
      await recorder.close();
      expect(recorder.error).toBeUndefined();
      expect(outcome.parity).toEqual({ identical: true });
      return recorder.referenced;
    };
    // As many of the old run's rows are referred to as of the same run recorded now: none written again.
    const referenced = await replay(store);
    expect(referenced).toBeGreaterThan(0);
    expect(referenced).toBe(await replay(now));
    expect(store.events('replay').map((entry) => entry.event)).toEqual(now.events('replay').map((entry) => entry.event));
    now.close();
    store.close();
  });

  it('resumes a cancelled run without running a finished leaf twice', async () => {
    const leaves = Array.from({ length: 12 }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `task ${index}` } }));
    const wide = spec({ id: 'wide', goal: 'many leaves', nodes: [{ kind: 'branch_set', spec: { id: 'fan', parallel: true, children: leaves } }] } as WorkflowSpecInput);
    const now = freshStore();
    const reference = await recordLiveRun(now, wide, 'uninterrupted', longOutputs);
    const controller = new AbortController();
    const firstRunner = new CountingLeafRunner({ latencyMs: 2, ...longOutputs });
    const originalRun = firstRunner.run.bind(firstRunner);
    firstRunner.run = async (input, context) => {
      if (firstRunner.calls === 5) controller.abort();
      return originalRun(input, context);
    };
    const sink = new TraceSink(now);
    await executeWorkflow({ spec: wide, runId: 'cancelled', sink, leafRunner: firstRunner, gateway: new CountingGateway(), environment: systemEnvironment(), limits: { maxConcurrentLeaves: 2 }, signal: controller.signal });
    sink.close();
    const store = new SqliteTraceStore(asSchema5(now));
    const finishedBefore = store.events('cancelled').flatMap((entry) => (entry.event.type === 'effect_completed' && entry.event.result.status === 'succeeded' ? [entry.event.key] : []));
    expect(finishedBefore.length).toBeGreaterThan(0);
    const secondRunner = new CountingLeafRunner(longOutputs);
    const resumeSink = new TraceSink(store);
    const outcome = await resumeRun({ store, recorded: readRecordedRun(store, 'cancelled'), runId: 'resumed', sink: resumeSink, leafRunner: secondRunner, gateway: new CountingGateway() });
    resumeSink.close();
    expect({ ...outcome.result, run_id: 'uninterrupted' }).toEqual(reference.result);
    expect(secondRunner.keys.filter((key) => finishedBefore.includes(key))).toEqual([]);
    now.close();
    store.close();
  });
});
