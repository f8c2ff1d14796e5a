import { describe, expect, it } from 'vitest';
import { DEFAULT_JANITOR_CONFIG } from '../config/index.js';
import { recordReplayByReference, type SqliteTraceStore } from '../trace/index.js';
import { readRecordedRun } from '../runs/recorded-run.js';
import { replayRun } from '../runs/replay-run.js';
import { freshStore, HAND_BUILT, recordLiveRun } from '../runs/testing/hand-built-specs.js';
import { planCapDeletions } from './plan-runs.js';
import { readRunInventory } from './run-inventory.js';

const NO_PROTECTION = { pinned: new Set<string>(), evidence: new Set<string>(), compacted: new Set<string>() };
const TINY_CAP = { ...DEFAULT_JANITOR_CONFIG, maxDatabaseMb: 1 / (1024 * 1024), keepRecentRuns: 0 };

async function replayByReference(store: SqliteTraceStore, source: string, runId: string): Promise<void> {
  const recorded = readRecordedRun(store, source, { noteRows: true });
  const recorder = recordReplayByReference({ store, source: { runId: source, effects: recorded.effects, rows: recorded.rows! } });
  await replayRun({ recorded, runId, sink: recorder.sink, trustedSpec: true, signal: recorder.failed });
  await recorder.close();
}

const payloadBytes = (store: SqliteTraceStore, runId: string): number =>
  store.database.prepare<[string], { bytes: number | null }>('SELECT SUM(octet_length(payload)) AS bytes FROM events WHERE run_id = ?').get(runId)!.bytes ?? 0;

describe("the janitor's cap estimate and replays recorded by reference", () => {
  it('deleting a run a kept replay refers to frees its rows less what the replay takes on; deleting the replay as well frees both', async () => {
    const store = freshStore();
    await recordLiveRun(store, HAND_BUILT['parallel fan-out and reduce']!, 'original');
    await replayByReference(store, 'original', 'replay');
    const inventory = readRunInventory(store, { now: Date.now() });
    const taken = inventory.referrers.get('original')?.get('replay') ?? 0;
    expect(taken).toBeGreaterThan(0);
    const original = inventory.runs.get('original')!.payloadBytes;
    const replay = inventory.runs.get('replay')!.payloadBytes;

    // Only the original must go (the cap is reached after it): the replay keeps the rows it referred to.
    const one = planCapDeletions(inventory, NO_PROTECTION, TINY_CAP, TINY_CAP.maxDatabaseMb * 1024 * 1024 + original - taken, new Map());
    expect(one.deletions.map((deletion) => deletion.runIds)).toEqual([['original']]);
    expect(one.deletions[0]!.freedBytes).toBe(original - taken);

    // Both go: what the replay took on is freed with it.
    const both = planCapDeletions(inventory, NO_PROTECTION, TINY_CAP, 1e9, new Map());
    expect(both.deletions.map((deletion) => deletion.runIds)).toEqual([['original'], ['replay']]);
    expect(both.deletions.reduce((sum, deletion) => sum + deletion.freedBytes, 0)).toBe(original + replay);

    // What the delete really copies: at least the referred rows (an output a row referred to is written in place).
    store.deleteRun('original');
    const copied = payloadBytes(store, 'replay') - replay;
    expect(copied).toBeGreaterThanOrEqual(taken);
    expect(copied).toBeLessThanOrEqual(taken * 1.1);
    store.close();
  });
});
