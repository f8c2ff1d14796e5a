import { afterEach, describe, expect, it, vi } from 'vitest';
import { MockModelClient, type ModelRequest, type ModelResponse, type Sleep } from '../providers/index.js';
import { BrokeredMemoClient, type RemoteMemo } from './brokered-memo-client.js';
import { InMemoryMemoStore } from './in-memory-memo-store.js';
import { MemoBroker, type MemoQuestion } from './memo-broker.js';
import { memoKey } from './memo-key.js';
import type { MemoOutcome } from './memo-outcome.js';

const route = { provider: 'mock', model: 'mock-default' };
const request: ModelRequest = { route, system: 'shared context', messages: [{ role: 'user', content: 'summarise the repo' }], temperature: 0 };
const answer: ModelResponse = { text: 'the summary', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 1000, outputTokens: 100, cacheHitInputTokens: 0, cacheMissInputTokens: 1000 } };

function question(asker: string, extra: Partial<MemoQuestion> = {}): MemoQuestion {
  return { key: memoKey(request), deterministic: true, runId: 'r1', asker, route, ...extra };
}

/** The broker reached directly, as a worker reaches it over Redis (memo-over-redis.ts). */
function directRemote(broker: MemoBroker): RemoteMemo {
  return { ask: (asked) => broker.ask(asked), renew: (flight) => broker.renew(flight), fulfill: (flight, response) => broker.fulfill(flight, response), abandon: (flight) => broker.abandon(flight), renewEveryMs: 1_000 };
}

/** A sleep that ends when the test says so, so calls are in flight together for sure. */
function gatedSleep(): { sleep: Sleep; release: () => void } {
  const waiting: (() => void)[] = [];
  return { sleep: () => new Promise((resolve) => waiting.push(resolve)), release: () => waiting.splice(0).forEach((resolve) => resolve()) };
}

const brokers: MemoBroker[] = [];
function broker(options: Partial<ConstructorParameters<typeof MemoBroker>[0]> = {}): MemoBroker {
  const created = new MemoBroker({ store: new InMemoryMemoStore(), policy: { crossRun: 'deterministic' }, leaseMs: 30_000, ...options });
  brokers.push(created);
  return created;
}
afterEach(() => {
  brokers.splice(0).forEach((created) => created.close());
  vi.useRealTimers();
});

describe('MemoBroker: the coordinator memo that queue workers share', () => {
  it('gives the first asker the lead and answers identical askers with its response, stored for later runs', async () => {
    const memo = broker();
    const first = await memo.ask(question('run:r1 leaf:a'));
    expect(first.type).toBe('lead');
    const waiting = [memo.ask(question('run:r1 leaf:b')), memo.ask(question('run:r1 leaf:c'))];
    memo.fulfill(first.type === 'lead' ? first.flight : '', answer);
    expect(await Promise.all(waiting)).toEqual([
      { type: 'hit', shared: true, response: answer },
      { type: 'hit', shared: true, response: answer },
    ]);
    // A later run (deterministic request, default policy) is answered from the store.
    expect(await memo.ask(question('run:r2 leaf:a', { runId: 'r2' }))).toEqual({ type: 'hit', shared: false, response: answer, reusedFrom: 'earlier-run' });
    expect(memo.stats()).toEqual({ hits: 1, shared: 2, leads: 1, takeovers: 0, inFlight: 0, waiting: 0 });
  });

  it('hands the lead to a waiter when the leader abandons (its call failed), and to the same job asking again after a redelivery', async () => {
    const memo = broker();
    const lead = await memo.ask(question('run:r1 leaf:a'));
    const waiter = memo.ask(question('run:r1 leaf:b'));
    memo.abandon(lead.type === 'lead' ? lead.flight : '');
    expect((await waiter).type).toBe('lead');
    // leaf:b leads now; its job is redelivered (its worker died) and asks again: it leads again, nobody waits forever.
    expect((await memo.ask(question('run:r1 leaf:b'))).type).toBe('lead');
    expect(memo.stats().takeovers).toBe(2);
  });

  it('passes the lead on when the leader stops renewing it (a worker killed mid-call)', async () => {
    vi.useFakeTimers();
    const memo = broker({ leaseMs: 1_000 });
    const lead = await memo.ask(question('run:r1 leaf:a'));
    const waiter = memo.ask(question('run:r1 leaf:b'));
    vi.advanceTimersByTime(900);
    memo.renew(lead.type === 'lead' ? lead.flight : '');
    vi.advanceTimersByTime(900);
    let settled = false;
    void waiter.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false); // renewed: still the first leader's
    vi.advanceTimersByTime(1_500);
    expect((await waiter).type).toBe('lead');
  });

  it('keeps to the policy and the route scope: no sharing across runs under never, no answer of another scope, no stored error', async () => {
    const never = broker({ policy: { crossRun: 'never' } });
    const lead = await never.ask(question('run:r1 leaf:a'));
    expect((await never.ask(question('run:r2 leaf:a', { runId: 'r2' }))).type).toBe('lead'); // another run: its own flight
    never.fulfill(lead.type === 'lead' ? lead.flight : '', answer);
    expect((await never.ask(question('run:r3 leaf:z', { runId: 'r3' }))).type).toBe('lead'); // r1's answer is not r3's to reuse
    expect((await never.ask(question('run:r1 leaf:z'))).type).toBe('hit'); // within its run, always

    const scoped = broker();
    const scopedLead = await scoped.ask(question('run:r1 leaf:a', { scope: 'revision-1' }));
    scoped.fulfill(scopedLead.type === 'lead' ? scopedLead.flight : '', answer);
    expect((await scoped.ask(question('run:r2 leaf:a', { runId: 'r2', scope: 'revision-2' }))).type).toBe('lead');

    const errors = broker();
    const errorLead = await errors.ask(question('run:r1 leaf:a'));
    errors.fulfill(errorLead.type === 'lead' ? errorLead.flight : '', { ...answer, finishReason: 'error' });
    expect((await errors.ask(question('run:r1 leaf:b'))).type).toBe('lead');
  });
});

describe('BrokeredMemoClient: a worker asks the coordinator memo before every provider call', () => {
  function workers(count: number, memo: MemoBroker, gate: ReturnType<typeof gatedSleep>) {
    return Array.from({ length: count }, () => {
      const provider = new MockModelClient({ script: { rules: [{ text: 'the summary', usage: { input_tokens: 1000, output_tokens: 100 }, latency_ms: 50 }] }, sleep: gate.sleep });
      const outcomes: MemoOutcome[] = [];
      const client = new BrokeredMemoClient(provider, { remote: directRemote(memo), pricesFor: () => ({ inputCacheMiss: 2, inputCacheHit: 0.5, output: 10 }) });
      return { provider, client, outcomes };
    });
  }

  it('three workers asking the identical request make one provider call; the others count shared hits with their savings', async () => {
    const memo = broker();
    const gate = gatedSleep();
    const pool = workers(3, memo, gate);
    const calls = pool.map(({ client, outcomes }, index) => client.generate(request, { runId: 'r1', scope: ['run:r1', `leaf:l${index}`], onMemoOutcome: (outcome) => outcomes.push(outcome) }));
    await vi.waitFor(() => expect(memo.stats().inFlight).toBe(1));
    gate.release();
    const responses = await Promise.all(calls);
    expect(responses.map((response) => response.text)).toEqual(['the summary', 'the summary', 'the summary']);
    expect(pool.map(({ provider }) => provider.calls.length).reduce((sum, calls) => sum + calls, 0)).toBe(1);
    expect(pool.flatMap(({ outcomes }) => outcomes.map((outcome) => outcome.kind)).sort()).toEqual(['miss', 'shared-in-flight', 'shared-in-flight']);
    expect(pool.flatMap(({ outcomes }) => outcomes.filter((outcome) => outcome.kind !== 'miss').map((outcome) => outcome.savedCostMicroUsd))).toEqual([3000, 3000]);
  });

  it('a leader whose provider call fails hands the request to a waiter, which calls once more; with no broker answer a worker calls alone', async () => {
    const memo = broker();
    const gate = gatedSleep();
    const failing = new MockModelClient({ script: { rules: [{ fail: { kind: 'server' }, latency_ms: 50 }] }, sleep: gate.sleep });
    const leader = new BrokeredMemoClient(failing, { remote: directRemote(memo) });
    const healthy = new MockModelClient({ script: { rules: [{ text: 'the summary' }] } });
    const waiter = new BrokeredMemoClient(healthy, { remote: directRemote(memo) });
    const failed = leader.generate(request, { runId: 'r1', scope: ['run:r1', 'leaf:l0'] });
    await vi.waitFor(() => expect(memo.stats().inFlight).toBe(1));
    const served = waiter.generate(request, { runId: 'r1', scope: ['run:r1', 'leaf:l1'] });
    await vi.waitFor(() => expect(memo.stats().waiting).toBe(1));
    gate.release();
    await expect(failed).rejects.toThrow();
    expect((await served).text).toBe('the summary');
    expect([failing.calls.length, healthy.calls.length]).toEqual([1, 1]);

    const alone = new BrokeredMemoClient(new MockModelClient({ script: { rules: [{ text: 'solo' }] } }), { remote: { ...directRemote(memo), ask: async () => undefined } });
    const outcomes: MemoOutcome[] = [];
    expect((await alone.generate(request, { runId: 'r1', onMemoOutcome: (outcome) => outcomes.push(outcome) })).text).toBe('solo');
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['miss']);
  });
});
