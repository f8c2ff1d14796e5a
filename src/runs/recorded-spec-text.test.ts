import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import type { WorkflowSpec } from '../ir/index.js';
import { recordReplayByReference, TraceSink, type SqliteTraceStore } from '../trace/index.js';
import { sha256Hex } from '../util/index.js';
import { readRecordedRun } from './recorded-run.js';
import { replayRun, type ReplayOutcome } from './replay-run.js';
import { freshStore, recordLiveRun, spec } from './testing/hand-built-specs.js';

// A replay records the recorded spec's text as it is only when that text is its spec's canonical
// JSON and hashes to the recorded spec hash; any other text is written anew by the engine, as
// before, so a text changed by hand (its hash along with it) never passes for the spec replayed.

type RunStarted = Extract<RunEvent, { type: 'run_started' }>;

function fanOut(): WorkflowSpec {
  const leaves = Array.from({ length: 6 }, (_, index) => ({ kind: 'leaf', spec: { id: `l${index}`, prompt: `look at "${index}"\n`, agent_type: 'explore' } }));
  return spec({ id: 'fan', goal: 'g', nodes: [{ kind: 'branch_set', spec: { id: 'all', parallel: true, children: leaves } }] } as Parameters<typeof spec>[0]);
}

function runStarted(store: SqliteTraceStore, runId: string): RunStarted {
  return store.events(runId).find((entry) => entry.event.type === 'run_started')!.event as RunStarted;
}

/** Replaces the recorded run_started's spec text (and, when asked, its hash) as a hand with the database could. */
function rewriteSpec(store: SqliteTraceStore, rewrite: (text: string) => string, { rehash }: { readonly rehash: boolean }): string {
  const row = store.database.prepare<[], { seq: number; payload: string }>("SELECT seq, payload FROM events WHERE run_id = 'original' AND type = 'run_started'").get()!;
  const payload = JSON.parse(row.payload) as { spec: string; specHash: string };
  const text = rewrite(payload.spec);
  expect(text).not.toBe(payload.spec);
  const changed = { ...payload, spec: text, specHash: rehash ? sha256Hex(text) : payload.specHash };
  store.database.prepare("INSERT INTO maintenance_grants (run_id) VALUES ('original')").run();
  store.database.prepare("UPDATE events SET payload = ? WHERE run_id = 'original' AND seq = ?").run(JSON.stringify(changed), row.seq);
  store.database.prepare("DELETE FROM maintenance_grants WHERE run_id = 'original'").run();
  return text;
}

async function replay(store: SqliteTraceStore, runId: string, byReference: boolean): Promise<ReplayOutcome> {
  const recorded = readRecordedRun(store, 'original', { noteRows: byReference });
  if (!byReference) {
    const sink = new TraceSink(store);
    const outcome = await replayRun({ recorded, runId, sink, trustedSpec: true });
    sink.close();
    return outcome;
  }
  const recorder = recordReplayByReference({ store, source: { runId: 'original', effects: recorded.effects, rows: recorded.rows! } });
  const outcome = await replayRun({ recorded, runId, sink: recorder.sink, trustedSpec: true, signal: recorder.failed });
  await recorder.close();
  return outcome;
}

describe('the recorded spec text a replay records', () => {
  it('is the recorded text itself when it is the canonical JSON of its spec, with the recorded hash', async () => {
    const store = freshStore();
    await recordLiveRun(store, fanOut(), 'original');
    const recorded = readRecordedRun(store, 'original');
    expect(recorded.specText).toEqual({ text: recorded.started.spec, sha256: recorded.started.specHash });
    expect(JSON.stringify(recorded.spec)).toBe(recorded.started.spec);
    for (const [runId, byReference] of [['in-full', false], ['by-reference', true]] as const) {
      const outcome = await replay(store, runId, byReference);
      expect(outcome.parity).toEqual({ identical: true });
      expect(runStarted(store, runId)).toMatchObject({ spec: recorded.started.spec, specHash: recorded.started.specHash });
    }
    store.close();
  });

  for (const [name, rewrite] of [
    ['a space between two fields of a leaf', (text: string) => text.replace('"agent_type":"explore"', '"agent_type": "explore"')],
    ['a letter written as an escape', (text: string) => text.replace('"prompt":"look', '"prompt":"\\u006cook')],
    ['a space among the workflow\'s own fields', (text: string) => text.replace('"goal":"g"', '"goal": "g"')],
  ] as const) {
    it(`is written anew for a text of the same spec spelled otherwise, its hash changed along with it: ${name}`, async () => {
      const store = freshStore();
      await recordLiveRun(store, fanOut(), 'original');
      const canonical = runStarted(store, 'original');
      const text = rewriteSpec(store, rewrite, { rehash: true });
      const recorded = readRecordedRun(store, 'original');
      expect(recorded.specText).toBeUndefined();
      expect(JSON.stringify(recorded.spec)).toBe(canonical.spec);
      for (const [runId, byReference] of [['in-full', false], ['by-reference', true]] as const) {
        const outcome = await replay(store, runId, byReference);
        // The replay records the spec it ran as the engine writes it, not the changed text; its
        // result (spec hash included) is the one the run recorded at its end.
        expect(runStarted(store, runId)).toMatchObject({ spec: canonical.spec, specHash: canonical.specHash });
        expect(runStarted(store, runId).specHash).not.toBe(sha256Hex(text));
        expect(outcome.parity).toEqual({ identical: true });
      }
      store.close();
    });
  }

  it('is written anew for the canonical text whose recorded hash is not its own', async () => {
    const store = freshStore();
    await recordLiveRun(store, fanOut(), 'original');
    const canonical = runStarted(store, 'original');
    rewriteSpec(store, (text) => text.replace('"goal":"g"', '"goal":"h"'), { rehash: false });
    const recorded = readRecordedRun(store, 'original');
    expect(recorded.specText).toBeUndefined();
    await replay(store, 'by-reference', true);
    expect(runStarted(store, 'by-reference').specHash).toBe(sha256Hex(JSON.stringify(recorded.spec)));
    expect(runStarted(store, 'by-reference').specHash).not.toBe(canonical.specHash);
    store.close();
  });
});
