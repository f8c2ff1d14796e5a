import { describe, expect, it } from 'vitest';
import { emptyMemoUsage } from '../ir/index.js';
import { DeterminismViolation, liveBoundary, type EffectBoundary, type EffectResult, type RunEvent } from '../engine/contracts/index.js';
import { RecordedEffects } from './recorded-effects.js';
import { ReplayBoundary } from './replay-boundary.js';
import { ResumeBoundary } from './resume-boundary.js';
import { CorruptTraceError } from './trace-errors.js';

/** A stand-in for the engine: asks for effects in order, numbering ordinals per scope, and records them. */
async function fakeEngine(
  plan: readonly { nodeId: string; key: string }[],
  boundary: EffectBoundary,
  calls: { live: number },
): Promise<{ events: RunEvent[]; outputs: string[] }> {
  const events: RunEvent[] = [];
  const outputs: string[] = [];
  const ordinals = new Map<string, number>();
  for (const { nodeId, key } of plan) {
    const ordinal = ordinals.get(nodeId) ?? 0;
    ordinals.set(nodeId, ordinal + 1);
    const scope = { nodeId, iteration: 0 };
    events.push({ type: 'effect_requested', runId: 'r', at: 0, kind: 'leaf', key, scope, ordinal, input: null });
    const live = async (): Promise<EffectResult> => {
      calls.live++;
      return { status: 'succeeded', output: `out ${key}`, usage: { input_tokens: 1, output_tokens: 1, cost_microusd: 0 }, memo_usage: emptyMemoUsage() };
    };
    const outcome = await boundary.perform({ kind: 'leaf', key, scope, ordinal, input: null }, live, { signal: new AbortController().signal });
    events.push({ type: 'effect_completed', runId: 'r', at: 0, kind: 'leaf', key, scope, ordinal, source: outcome.source, durationMs: 0, result: outcome.result });
    outputs.push(outcome.result.output ?? '');
  }
  return { events, outputs };
}

const plan = [
  { nodeId: 'a', key: 'ka' },
  { nodeId: 'b', key: 'kb0' },
  { nodeId: 'b', key: 'kb1' },
  { nodeId: 'c', key: 'kc' },
];

async function record(): Promise<RunEvent[]> {
  return (await fakeEngine(plan, liveBoundary, { live: 0 })).events;
}

describe('ReplayBoundary', () => {
  it('serves every effect from the trace without calling live', async () => {
    const recorded = await record();
    const calls = { live: 0 };
    const boundary = new ReplayBoundary(new RecordedEffects(recorded));
    const replay = await fakeEngine(plan, boundary, calls);
    expect(calls.live).toBe(0);
    expect(replay.outputs).toEqual(['out ka', 'out kb0', 'out kb1', 'out kc']);
    expect(boundary.servedFromTrace).toBe(4);
    expect(boundary.unasked()).toEqual([]);
  });

  it('names the node, the expected and the actual key when a key differs', async () => {
    const boundary = new ReplayBoundary(new RecordedEffects(await record()));
    const changed = plan.map((step) => (step.key === 'kb1' ? { ...step, key: 'kb1-edited' } : step));
    const attempt = fakeEngine(changed, boundary, { live: 0 });
    await expect(attempt).rejects.toThrow(DeterminismViolation);
    await expect(attempt).rejects.toThrow(
      'determinism violation at node "b" (iteration 0), leaf effect #1: the trace recorded leaf key kb1, the replay asked for leaf key kb1-edited',
    );
    expect(boundary.violations[0]).toMatchObject({ expectedKey: 'kb1', actualKey: 'kb1-edited', ordinal: 1, scope: { nodeId: 'b', iteration: 0 } });
  });

  it('refuses an effect the trace lacks unless live runs are allowed', async () => {
    const recorded = (await record()).filter((event) => !('scope' in event && event.scope.nodeId === 'c'));
    await expect(fakeEngine(plan, new ReplayBoundary(new RecordedEffects(recorded)), { live: 0 })).rejects.toThrow(
      'determinism violation at node "c" (iteration 0), leaf effect #0: the replay asked for key kc, which the trace does not have (--allow-live runs it)',
    );
    const calls = { live: 0 };
    await fakeEngine(plan, new ReplayBoundary(new RecordedEffects(recorded), { allowLive: true }), calls);
    expect(calls.live).toBe(1);
  });

  it('reports recorded effects that the replay never asked for', async () => {
    const boundary = new ReplayBoundary(new RecordedEffects(await record()));
    await fakeEngine(plan.slice(0, 3), boundary, { live: 0 });
    expect(boundary.unasked().map((entry) => entry.message)).toEqual([
      'divergence: the trace recorded node "c" (iteration 0), leaf effect #0 (key kc), which the replay never asked for',
    ]);
  });

  it('runs the effects of live nodes live and serves the rest', async () => {
    const calls = { live: 0 };
    const boundary = new ReplayBoundary(new RecordedEffects(await record()), { liveNodes: new Set(['b']) });
    await fakeEngine(plan, boundary, calls);
    expect(calls.live).toBe(2);
    expect(boundary.servedFromTrace).toBe(2);
  });

  it('detects a reordered trace: results swapped between slots', async () => {
    const recorded = await record();
    const swapped = recorded.map((event) => {
      if (event.type !== 'effect_requested' && event.type !== 'effect_completed') return event;
      if (event.scope.nodeId !== 'b') return event;
      return { ...event, ordinal: 1 - event.ordinal };
    });
    await expect(fakeEngine(plan, new ReplayBoundary(new RecordedEffects(swapped)), { live: 0 })).rejects.toThrow(
      'node "b" (iteration 0), leaf effect #0: the trace recorded leaf key kb1, the replay asked for leaf key kb0',
    );
  });
});

describe('RecordedEffects consistency', () => {
  it('rejects a completion without a request', async () => {
    const recorded = (await record()).filter((event) => !(event.type === 'effect_requested' && event.key === 'kc'));
    expect(() => new RecordedEffects(recorded)).toThrow(new CorruptTraceError('trace is inconsistent: node "c" (iteration 0), leaf effect #0 completed (key kc) but was never requested'));
  });

  it('rejects a completion whose key differs from its request', async () => {
    const recorded = (await record()).map((event) => (event.type === 'effect_completed' && event.key === 'ka' ? { ...event, key: 'forged' } : event));
    expect(() => new RecordedEffects(recorded)).toThrow('was requested as leaf ka but completed as leaf forged');
  });

  it('rejects a slot completed twice', async () => {
    const recorded = await record();
    const duplicate = recorded.find((event) => event.type === 'effect_completed')!;
    expect(() => new RecordedEffects([...recorded, duplicate])).toThrow('is recorded as completed twice');
  });

  it('lists effects requested but never completed', async () => {
    const recorded = (await record()).filter((event) => !(event.type === 'effect_completed' && event.key === 'kc'));
    expect(new RecordedEffects(recorded).unfinished.map((effect) => effect.key)).toEqual(['kc']);
  });
});

describe('ResumeBoundary', () => {
  it('serves finished effects and runs the rest live', async () => {
    const recorded = (await record()).filter((event) => !('scope' in event && event.scope.nodeId === 'c'));
    const calls = { live: 0 };
    const boundary = new ResumeBoundary(new RecordedEffects(recorded));
    const resumed = await fakeEngine(plan, boundary, calls);
    expect(calls.live).toBe(1);
    expect(boundary.servedKeys).toEqual(['ka', 'kb0', 'kb1']);
    expect(resumed.outputs).toEqual(['out ka', 'out kb0', 'out kb1', 'out kc']);
  });

  it('reuses an effect by key when it moved (an edited workflow)', async () => {
    const calls = { live: 0 };
    const boundary = new ResumeBoundary(new RecordedEffects(await record()));
    await fakeEngine([{ nodeId: 'new-first', key: 'knew' }, ...plan.map((step) => ({ ...step, nodeId: `${step.nodeId}-moved` }))], boundary, calls);
    expect(calls.live).toBe(1);
    expect(boundary.servedFromTrace).toBe(4);
  });

  it('runs a recorded failure again', async () => {
    const recorded = (await record()).map((event) =>
      event.type === 'effect_completed' && event.key === 'ka' ? { ...event, result: { ...event.result, status: 'failed' as const, error: 'cancelled' } } : event,
    );
    const calls = { live: 0 };
    await fakeEngine(plan, new ResumeBoundary(new RecordedEffects(recorded)), calls);
    expect(calls.live).toBe(1);
  });
});
