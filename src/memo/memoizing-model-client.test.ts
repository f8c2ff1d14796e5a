import { describe, expect, it } from 'vitest';
import { MockModelClient, RequestCancelledError, type ModelRequest, type ModelStreamEvent, type Sleep } from '../providers/index.js';
import { InMemoryMemoStore } from './in-memory-memo-store.js';
import { memoKey } from './memo-key.js';
import type { MemoOutcome } from './memo-outcome.js';
import { memoUsageFromOutcome, toMemoUsage } from './memo-telemetry.js';
import { MemoizingModelClient } from './memoizing-model-client.js';

const route = { provider: 'mock', model: 'mock-default' };
const prices = { inputCacheMiss: 2, inputCacheHit: 0.5, output: 10 };

function request(extra: Partial<ModelRequest> = {}): ModelRequest {
  return { route, system: 'shared context', messages: [{ role: 'user', content: 'summarise the repo' }], temperature: 0, ...extra };
}

/** A sleep that only ends when the test says so, so calls are reliably in flight together. */
function gatedSleep(): { sleep: Sleep; release: () => void; started: () => number } {
  const waiting: Array<() => void> = [];
  let started = 0;
  return {
    sleep: (_ms, signal) =>
      new Promise((resolve, reject) => {
        started += 1;
        waiting.push(resolve);
        signal?.addEventListener('abort', () => reject(new RequestCancelledError('aborted', { provider: 'mock', cause: signal.reason })), { once: true });
      }),
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
    started: () => started,
  };
}

function setUp(options: { latency?: boolean; crossRun?: 'deterministic' | 'always' | 'never' } = {}) {
  const gate = gatedSleep();
  const provider = new MockModelClient({
    script: { rules: [{ text: 'the summary', usage: { input_tokens: 1000, output_tokens: 100, cache_hit_input_tokens: 400 }, latency_ms: options.latency ? 50 : 0 }] },
    sleep: gate.sleep,
  });
  const outcomes: MemoOutcome[] = [];
  const store = new InMemoryMemoStore();
  const memo = new MemoizingModelClient(provider, {
    store,
    pricesFor: () => prices,
    onOutcome: (outcome) => outcomes.push(outcome),
    policy: options.crossRun ? { crossRun: options.crossRun } : undefined,
  });
  return { provider, memo, outcomes, store, gate };
}

describe('MemoizingModelClient', () => {
  it('makes one provider call for 10 concurrent identical requests and counts 9 hits with exact savings', async () => {
    const { provider, memo, outcomes, gate } = setUp({ latency: true });
    const calls = Array.from({ length: 10 }, (_, index) => memo.generate(request(), { runId: 'r1', scope: ['run:r1', `branch:b${index}`] }));
    gate.release();
    const responses = await Promise.all(calls);
    expect(provider.calls).toHaveLength(1);
    expect(new Set(responses.map((response) => response.text))).toEqual(new Set(['the summary']));
    const counters = memo.telemetry.counters();
    expect(counters).toMatchObject({ hits: 9, sharedInFlight: 9, misses: 1, savedInputTokens: 9000, savedOutputTokens: 900 });
    // per saved call: 600 miss × 2 + 400 hit × 0.5 + 100 out × 10 = 2400 micro-USD
    expect(counters.savedCost).toEqual({ knownMicroUsd: 9 * 2400, unknownParts: 0 });
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['miss', ...Array(9).fill('shared-in-flight')].sort());
    expect(memo.telemetry.counters('branch:b3').hits + memo.telemetry.counters('branch:b3').misses).toBe(1);
    expect(memo.telemetry.counters('run:r1').hits).toBe(9);
  });

  it('reports the CodeWhale memo usage shape, keeping provider prompt-cache figures apart', async () => {
    const { memo } = setUp();
    await memo.generate(request(), { runId: 'r1' });
    await memo.generate(request(), { runId: 'r1' });
    expect(toMemoUsage(memo.telemetry.counters())).toEqual({
      armh_hits: 1,
      armh_misses: 1,
      armh_saved_estimated_tokens: 1100,
      provider_prompt_cache_hits: 400,
      provider_prompt_cache_misses: 600,
    });
  });

  it('reuses a deterministic answer across runs and says where it came from', async () => {
    const { provider, memo, outcomes } = setUp();
    await memo.generate(request(), { runId: 'r1' });
    await memo.generate(request(), { runId: 'r1' });
    await memo.generate(request(), { runId: 'r2' });
    await memo.generate(request({ temperature: 0.9, memoizable: true }), { runId: 'r1' });
    await memo.generate(request({ temperature: 0.9, memoizable: true }), { runId: 'r3' });
    expect(provider.calls).toHaveLength(2);
    expect(outcomes.map((outcome) => [outcome.kind, outcome.reusedFrom])).toEqual([
      ['miss', undefined],
      ['hit', 'same-run'],
      ['hit', 'earlier-run'],
      ['miss', undefined],
      ['hit', 'earlier-run'],
    ]);
  });

  it('does not reuse a sampled (temperature 0.7) answer across runs, but does within its run', async () => {
    const { provider, memo } = setUp();
    const sampled = request({ temperature: 0.7 });
    await memo.generate(sampled, { runId: 'r1' });
    await memo.generate(sampled, { runId: 'r1' });
    expect(provider.calls).toHaveLength(1);
    await memo.generate(sampled, { runId: 'r2' });
    expect(provider.calls).toHaveLength(2);
    await memo.generate(sampled);
    expect(provider.calls).toHaveLength(3);
  });

  it('follows a cross-run policy of never or always', async () => {
    const never = setUp({ crossRun: 'never' });
    await never.memo.generate(request(), { runId: 'r1' });
    await never.memo.generate(request(), { runId: 'r2' });
    expect(never.provider.calls).toHaveLength(2);
    const always = setUp({ crossRun: 'always' });
    await always.memo.generate(request({ temperature: 1 }), { runId: 'r1' });
    await always.memo.generate(request({ temperature: 1 }), { runId: 'r2' });
    expect(always.provider.calls).toHaveLength(1);
  });

  it('keys on the exact request only: scope labels and run ids never change the key', async () => {
    const { memo, outcomes } = setUp();
    await memo.generate(request(), { runId: 'r1', scope: ['leaf:a'] });
    await memo.generate(request(), { runId: 'r1', scope: ['leaf:b', 'branch:x'] });
    expect(outcomes[0]?.key).toBe(outcomes[1]?.key);
    expect(outcomes[1]?.kind).toBe('hit');
    const reordered: ModelRequest = { temperature: 0, messages: request().messages, system: 'shared context', route: { model: route.model, provider: route.provider } };
    expect(memoKey(reordered)).toBe(memoKey(request()));
    expect(memoKey(request({ temperature: 0.1 }))).not.toBe(memoKey(request()));
    expect(memoKey(request({ route: { provider: 'mock', model: 'other' } }))).not.toBe(memoKey(request()));
    expect(memoKey(request({ tools: [{ name: 't', description: 'd', parameters: {} }] }))).not.toBe(memoKey(request()));
    expect(memoKey(request({ memoizable: true }))).toBe(memoKey(request()));
  });

  it('a cancelled waiter leaves the shared call running for the others', async () => {
    const { provider, memo, gate } = setUp({ latency: true });
    const impatient = new AbortController();
    const first = memo.generate(request(), { runId: 'r1', signal: impatient.signal });
    const second = memo.generate(request(), { runId: 'r1' });
    impatient.abort();
    await expect(first).rejects.toBeInstanceOf(RequestCancelledError);
    gate.release();
    expect((await second).text).toBe('the summary');
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]?.options.signal?.aborted).toBe(false);
  });

  it('cancels the shared call when every waiter has left, and a later request starts afresh', async () => {
    const { provider, memo, gate } = setUp({ latency: true });
    const controllers = [new AbortController(), new AbortController()];
    const waiters = controllers.map((controller) => memo.generate(request(), { runId: 'r1', signal: controller.signal }));
    for (const controller of controllers) controller.abort();
    for (const waiter of waiters) await expect(waiter).rejects.toBeInstanceOf(RequestCancelledError);
    expect(provider.calls[0]?.options.signal?.aborted).toBe(true);
    const later = memo.generate(request(), { runId: 'r1' });
    gate.release();
    expect((await later).text).toBe('the summary');
    expect(provider.calls).toHaveLength(2);
  });

  it('never stores a failure', async () => {
    const provider = new MockModelClient({ script: { rules: [{ text: 'ok', fail: { kind: 'server', times: 1 } }] } });
    const memo = new MemoizingModelClient(provider, { store: new InMemoryMemoStore() });
    await expect(memo.generate(request())).rejects.toMatchObject({ name: 'ServerError' });
    expect((await memo.generate(request())).text).toBe('ok');
    expect(memo.telemetry.counters()).toMatchObject({ hits: 0, misses: 1 });
  });

  it('streams a miss live, shares it with a concurrent streamer, and replays a hit', async () => {
    const { provider, memo, gate } = setUp({ latency: true });
    const collect = async (events: AsyncIterable<ModelStreamEvent>) => {
      const all: ModelStreamEvent[] = [];
      for await (const event of events) all.push(event);
      return all;
    };
    const both = Promise.all([collect(memo.stream(request(), { runId: 'r1' })), collect(memo.stream(request(), { runId: 'r1' }))]);
    await Promise.resolve();
    gate.release();
    const [leader, joiner] = await both;
    expect(joiner).toEqual(leader);
    const text = (events: ModelStreamEvent[]) => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text(leader)).toBe('the summary');
    const replay = await collect(memo.stream(request(), { runId: 'r2' }));
    expect(text(replay)).toBe('the summary');
    expect(replay.at(-1)).toEqual(leader.at(-1));
    expect(provider.calls).toHaveLength(1);
    expect(memo.telemetry.counters()).toMatchObject({ hits: 2, sharedInFlight: 1, misses: 1 });
  });

  it('reports an unknown saved cost, never zero, when the route has no prices', async () => {
    const provider = new MockModelClient();
    const memo = new MemoizingModelClient(provider, { store: new InMemoryMemoStore() });
    await memo.generate(request());
    await memo.generate(request());
    expect(memo.telemetry.counters().savedCost).toEqual({ knownMicroUsd: 0, unknownParts: 1 });
  });
});

describe('memoUsageFromOutcome', () => {
  it('gives one call its own memo usage: a hit saves, a miss records the provider cache split', async () => {
    const { memo, outcomes } = setUp();
    await memo.generate(request(), { runId: 'r1' });
    await memo.generate(request(), { runId: 'r1' });
    expect(outcomes.map(memoUsageFromOutcome)).toEqual([
      { armh_hits: 0, armh_misses: 1, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 400, provider_prompt_cache_misses: 600 },
      { armh_hits: 1, armh_misses: 0, armh_saved_estimated_tokens: 1100, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 },
    ]);
  });
});
