import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { systemEnvironment, type EngineEnvironment } from '../engine/index.js';
import type { WorkflowSpec } from '../ir/index.js';
import { digestEvents, exportRun, recordReplayByReference, SqliteTraceStore, TRACE_SCHEMA_VERSION, TraceSink, type StoredEvent } from '../trace/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun, type ReplayOutcome } from './replay-run.js';
import { freshStore, HAND_BUILT, recordLiveRun, spec } from './testing/hand-built-specs.js';
import { CANCELLED_FAN, recordCancelledRun } from './testing/record-cancelled-run.js';

/**
 * A clock that stands still: a replay recorded in full then stores the same times as one recorded
 * by reference (whose served events read with the time of their stretch), so the two must read
 * back identical, field for field, but for their run ids.
 */
const stillClock = (): EngineEnvironment => ({ ...systemEnvironment(), now: () => 1_800_000_000_000 });

async function replayInFull(store: SqliteTraceStore, source: string, runId: string): Promise<ReplayOutcome> {
  const sink = new TraceSink(store);
  const outcome = await replayRun({ recorded: readRecordedRun(store, source), runId, sink, trustedSpec: true, environment: stillClock() });
  sink.close();
  return outcome;
}

async function replayByReference(store: SqliteTraceStore, source: string, runId: string): Promise<{ outcome: ReplayOutcome; referenced: number }> {
  const recorded = readRecordedRun(store, source, { noteRows: true });
  const recorder = recordReplayByReference({ store, source: { runId: source, effects: recorded.effects, rows: recorded.rows! } });
  const outcome = await replayRun({ recorded, runId, sink: recorder.sink, trustedSpec: true, environment: stillClock(), signal: recorder.failed });
  await recorder.close();
  expect(recorder.error).toBeUndefined();
  return { outcome, referenced: recorder.referenced };
}

/**
 * Everything a reader of the store gets of a run, with its run id replaced, so two runs compare.
 * A replay by reference lists its node and effect events in the recorded order, where one recorded
 * in full lists them as it emitted them (served at once, a leaf's four events come together): the
 * whole log and the type-filtered reads are compared as sets of events (each the same, field for
 * field), the log's sequence numbers as they are; one node's events, which come in the one order that node
 * went through, and the folded views are compared as they are.
 */
function readersView(store: SqliteTraceStore, runId: string): unknown {
  const firstNode = store.nodeRuns(runId)[0]?.nodeId ?? 'none';
  const unordered = (stored: readonly StoredEvent[]) => stored.map((entry) => JSON.stringify(entry.event)).sort();
  const log = store.events(runId);
  const readable = store.readableEvents(runId);
  const view = {
    seqs: log.map((entry) => entry.seq),
    events: unordered(log),
    fromSeq: store.events(runId, 3).length,
    typed: unordered(store.events(runId, 0, ['node_finished', 'run_finished'])),
    stream: unordered([...store.eventStream(runId, { types: ['node_started', 'effect_completed', 'node_finished'] })]),
    byNode: [...store.eventStream(runId, { nodeId: firstNode })].map((entry) => entry.event),
    readable: { events: unordered(readable.events), damaged: readable.damaged },
    nodeRuns: store.nodeRuns(runId),
    leafRuns: store.leafRuns(runId),
    oneNode: store.nodeRuns(runId, firstNode),
    summary: store.getRun(runId),
    listed: store.listRuns().find((run) => run.runId === runId),
    eventCount: store.runSize(runId).eventCount,
    // The digest is of the events, run id included: checked against them, then left out.
    exported: (({ exportedAt: _exportedAt, eventsDigest, events, ...document }) => {
      expect(eventsDigest).toBe(digestEvents(events));
      return { ...document, events: unordered(events) };
    })(exportRun(store, runId, { redactor: null })),
  };
  return JSON.parse(JSON.stringify(view).replaceAll(runId, 'RUN'));
}

async function expectSameRecord(workflow: WorkflowSpec, runnerOptions: Parameters<typeof recordLiveRun>[3] = {}): Promise<{ referenced: number; total: number; store: SqliteTraceStore }> {
  const store = freshStore();
  await recordLiveRun(store, workflow, 'original', runnerOptions);
  const full = await replayInFull(store, 'original', 'in-full');
  const { outcome, referenced } = await replayByReference(store, 'original', 'by-reference');
  expect(outcome.parity).toEqual(full.parity);
  expect(outcome.divergences).toEqual(full.divergences);
  expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
  return { referenced, total: store.getRun('in-full')!.eventCount, store };
}

describe('a replay recorded by reference reads back exactly as one recorded in full', () => {
  for (const [name, workflow] of Object.entries(HAND_BUILT)) {
    it(name, async () => {
      const { store } = await expectSameRecord(workflow);
      store.close();
    });
  }

  it('refers to every node and effect event of a run it replays in the recorded order, splitting its stretches at the rows it does not emit', async () => {
    const { referenced, total, store } = await expectSameRecord(HAND_BUILT['parallel fan-out and reduce']!);
    // Everything but run_started and run_finished, in stretches between the recording's activity rows.
    expect(referenced).toBe(total - 2);
    const references = store.referencesOf('by-reference');
    expect(references.length).toBeGreaterThan(1);
    expect(store.database.prepare("SELECT type FROM events WHERE run_id = 'by-reference' ORDER BY seq").all()).toEqual([{ type: 'run_started' }, { type: 'run_finished' }]);
    store.close();
  });

  it('refers to a fan-in whose request holds a prompt of over 64 Ki characters (held as its digest until compared)', async () => {
    const ids = Array.from({ length: 24 }, (_, index) => `leaf-${index}`);
    const workflow = spec({
      id: 'fan-in',
      goal: 'a long prompt',
      nodes: [
        { kind: 'branch_set', spec: { id: 'all', parallel: true, children: ids.map((id) => ({ kind: 'leaf', spec: { id, prompt: id } })) } },
        { kind: 'reduce', spec: { id: 'merge', inputs: ids, prompt: 'merge' } },
      ],
    } as Parameters<typeof spec>[0]);
    const { referenced, total, store } = await expectSameRecord(workflow, { outputOf: (id) => `${id}: ${'long output '.repeat(3000)}` });
    const prompt = store.events('in-full', 0, ['effect_requested']).find(({ event }) => event.type === 'effect_requested' && event.kind === 'reduce');
    expect(JSON.stringify(prompt?.event).length).toBeGreaterThan(64 * 1024);
    expect(referenced).toBe(total - 2);
    store.close();
  });

  it('a replay of leaves that finished out of order when recorded still refers to all of them, listed in the recorded order', async () => {
    const { referenced, total, store } = await expectSameRecord(wideFanOut(), { latencyMs: 5 });
    expect(referenced).toBe(total - 2);
    store.close();
  });

  it('a replay that parts from the recording (an event it does not hold) refers to what came before and records the rest as rows', async () => {
    const store = freshStore();
    await recordLiveRun(store, wideFanOut(), 'original', { latencyMs: 2 });
    // The recording's third leaf started otherwise (as if recorded by another engine): from the replay's node_started of it on, nothing is a recorded row.
    const row = store.database.prepare<[], { seq: number; payload: string }>("SELECT seq, payload FROM events WHERE run_id = 'original' AND type = 'node_started' AND node_id = 'c'").get()!;
    store.database.prepare("INSERT INTO maintenance_grants (run_id) VALUES ('original')").run();
    store.database.prepare("UPDATE events SET payload = ? WHERE run_id = 'original' AND seq = ?").run(row.payload.replace('"iteration":0', '"iteration":0,"role":"elsewhere"'), row.seq);
    store.database.prepare("DELETE FROM maintenance_grants WHERE run_id = 'original'").run();
    const full = await replayInFull(store, 'original', 'in-full');
    const { outcome, referenced } = await replayByReference(store, 'original', 'by-reference');
    expect(outcome.parity).toEqual(full.parity);
    expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
    const total = store.getRun('in-full')!.eventCount;
    expect(referenced).toBeGreaterThan(0);
    expect(referenced).toBeLessThan(total - 2);
    const ownRows = store.database.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM events WHERE run_id = 'by-reference'").get()!.n;
    expect(ownRows).toBeGreaterThan(2);
    store.close();
  });
});

/** Rewrites one row of the run `original` in place (a tampered or foreign trace), as only a maintenance grant may. */
function rewriteRow(store: SqliteTraceStore, type: string, nodeId: string | null, rewrite: (payload: string) => string): void {
  const row = store.database.prepare<[string, string | null], { seq: number; payload: string }>("SELECT seq, payload FROM events WHERE run_id = 'original' AND type = ? AND node_id IS ?").get(type, nodeId)!;
  const changed = rewrite(row.payload);
  expect(changed).not.toBe(row.payload);
  store.database.prepare("INSERT INTO maintenance_grants (run_id) VALUES ('original')").run();
  store.database.prepare("UPDATE events SET payload = ? WHERE run_id = 'original' AND seq = ?").run(changed, row.seq);
  store.database.prepare("DELETE FROM maintenance_grants WHERE run_id = 'original'").run();
}

describe('a replay by reference never refers to a recorded row it did not emit', () => {
  for (const [name, type, rewrite] of [
    // The key is the request's identity and still matches, so the effect is served: only its row differs.
    ['a request whose recorded input was changed (its key kept)', 'effect_requested', (payload: string) => payload.replace('"resolved_inputs":{}', '"resolved_inputs":{},"changed":true')],
    ['a request with a key of its own added', 'effect_requested', (payload: string) => payload.replace(/\}$/, ',"note":1}')],
    ['a request whose keys are in another order', 'effect_requested', (payload: string) => payload.replace(/^\{("kind":"[a-z_]+"),("key":"[0-9a-f]+"),/, '{$2,$1,')],
    // The effect's slot is written with its iteration as text, so a string reads as the same slot: the row would not.
    ['a request whose scope reads otherwise (its slot kept)', 'effect_requested', (payload: string) => payload.replace('"iteration":0}', '"iteration":"0"}')],
    ['a node_finished whose recorded usage was changed', 'node_finished', (payload: string) => payload.replace(/"output_tokens":\d+/, '"output_tokens":999')],
  ] as const) {
    it(`${name}: that row and what follows are recorded as rows, and the replay reads back as one recorded in full`, async () => {
      const store = freshStore();
      await recordLiveRun(store, wideFanOut(), 'original', { latencyMs: 2 });
      rewriteRow(store, type, 'c', rewrite);
      const full = await replayInFull(store, 'original', 'in-full');
      const { outcome, referenced } = await replayByReference(store, 'original', 'by-reference');
      expect(outcome.parity).toEqual(full.parity);
      expect(outcome.divergences).toEqual(full.divergences);
      expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
      expect(referenced).toBeLessThan(store.getRun('in-full')!.eventCount - 2);
      store.close();
    });
  }
});

describe('a replay by reference of a run whose recorded spec was changed', () => {
  it('diverges at the first leaf the change reaches, as one recorded in full does, and reads back as it', async () => {
    const store = freshStore();
    await recordLiveRun(store, wideFanOut(), 'original', { latencyMs: 2 });
    // The spec sits in run_started as JSON text inside the row's JSON: its quotes are escaped.
    const started = store.database.prepare<[], { payload: string }>("SELECT payload FROM events WHERE run_id = 'original' AND type = 'run_started'").get()!;
    expect(started.payload).toContain('do c');
    rewriteRow(store, 'run_started', null, (payload) => payload.replace('do c', 'do C'));
    const full = await replayInFull(store, 'original', 'in-full');
    const { outcome } = await replayByReference(store, 'original', 'by-reference');
    expect(full.parity).toMatchObject({ identical: false, divergedAt: 'c' });
    expect(outcome.parity).toEqual(full.parity);
    expect(outcome.divergences).toEqual(full.divergences);
    expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
    store.close();
  });
});

describe('a replay of a cancelled run, recorded by reference', () => {
  for (const [name, cancels] of [
    ['the whole run cancelled mid-flight', [[2500, null]]],
    ['one leaf cancelled, the rest ran on', [[2500, 'slow']]],
  ] as const) {
    it(`${name}: reads back as one recorded in full (the replay applies the recorded cancel, and what the cancel cut off is recorded as rows)`, async () => {
      const store = freshStore();
      await recordCancelledRun(store, CANCELLED_FAN, cancels.map(([at, node]) => [at, node] as [number, string | null]));
      const full = await replayInFull(store, 'original', 'in-full');
      const { outcome, referenced } = await replayByReference(store, 'original', 'by-reference');
      expect(outcome.parity).toEqual({ identical: true });
      expect(outcome.parity).toEqual(full.parity);
      expect(referenced).toBeGreaterThan(0);
      expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
      store.close();
    });
  }
});

function wideFanOut(): WorkflowSpec {
  return spec({
    id: 'wide',
    goal: 'leaves that finish out of order when recorded',
    nodes: [{ kind: 'branch_set', spec: { id: 'all', parallel: true, children: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ kind: 'leaf', spec: { id, prompt: `do ${id}` } })) } }],
  } as Parameters<typeof spec>[0]);
}

describe('a replay recorded by reference outlives what happens to the run it refers to', () => {
  async function replayedBothWays(): Promise<SqliteTraceStore> {
    const store = freshStore();
    await recordLiveRun(store, wideFanOut(), 'original', { latencyMs: 2 });
    await replayInFull(store, 'original', 'in-full');
    await replayByReference(store, 'original', 'by-reference');
    expect(store.referencesOf('by-reference').length).toBeGreaterThan(0);
    return store;
  }

  it('deleting the recorded run (the janitor) first writes the rows the replay refers to into its own log', async () => {
    const store = await replayedBothWays();
    const before = readersView(store, 'by-reference');
    store.deleteRun('original');
    expect(store.getRun('original')).toBeUndefined();
    expect(store.referencesOf('by-reference')).toEqual([]);
    expect(readersView(store, 'by-reference')).toEqual(before);
    expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
    expect(store.integrityCheck()).toBe('ok');
    // And the replay itself goes like any run.
    store.deleteRun('by-reference');
    expect(store.events('by-reference')).toEqual([]);
    store.close();
  });

  it('compacting the recorded run (progress rows dropped, long strings moved to blobs) leaves the replay reading the same', async () => {
    const store = await replayedBothWays();
    const before = readersView(store, 'by-reference');
    const report = store.compactRun('original', { blobThresholdBytes: 16 });
    expect(report.removedEvents).toBeGreaterThan(0);
    expect(report.movedToBlobs).toBeGreaterThan(0);
    expect(readersView(store, 'by-reference')).toEqual(before);
    // Compacting the replay touches its own rows only.
    store.compactRun('by-reference');
    expect(readersView(store, 'by-reference')).toEqual(before);
    store.close();
  });

  it('a database from before references (schema 4) is migrated when opened, and its runs replay by reference', async () => {
    const first = freshStore();
    await recordLiveRun(first, wideFanOut(), 'original', { latencyMs: 2 });
    const path = first.path;
    const eventsBefore = first.events('original');
    first.close();
    // Schema 4 is this schema without the references table (rows are written alike).
    const raw = new Database(path);
    raw.exec('DROP INDEX run_references_by_source; DROP TABLE run_references');
    raw.pragma('user_version = 4');
    raw.close();
    const store = new SqliteTraceStore(path);
    expect(store.database.pragma('user_version', { simple: true })).toBe(TRACE_SCHEMA_VERSION);
    expect(store.events('original')).toEqual(eventsBefore);
    await replayInFull(store, 'original', 'in-full');
    const { outcome, referenced } = await replayByReference(store, 'original', 'by-reference');
    expect(outcome.parity).toEqual({ identical: true });
    expect(referenced).toBe(store.getRun('in-full')!.eventCount - 2);
    expect(readersView(store, 'by-reference')).toEqual(readersView(store, 'in-full'));
    store.close();
  });
});
