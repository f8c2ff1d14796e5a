// ARMH memo under fan-out: 50 branches share a system prompt and a context-gathering request,
// then each asks its own question. Measures how many provider calls the memo saves, the
// tokens and cost saved, and the wall time with and without it (mock provider with latency).
import { MockModelClient } from '../dist/providers/index.js';
import { InMemoryMemoStore, MemoizingModelClient, toMemoUsage } from '../dist/memo/index.js';

const branches = 50;
const latencyMs = 25;
const route = { provider: 'mock', model: 'mock-default' };
// Illustrative prices (USD per million tokens) so saved cost has a value.
const prices = { inputCacheMiss: 0.27, inputCacheHit: 0.07, output: 1.1 };
const system = `You are a code explorer.\n${'Repository summary line.\n'.repeat(400)}`;

function sharedRequest() {
  return { route, system, temperature: 0, messages: [{ role: 'user', content: 'List the modules touched by the cache change.' }] };
}

function branchRequest(index) {
  return { route, system, temperature: 0, messages: [{ role: 'user', content: `Branch ${index}: propose a variant of the cache change.` }] };
}

async function fanOut(client, runId) {
  await Promise.all(
    Array.from({ length: branches }, async (_, index) => {
      const scope = [`run:${runId}`, `branch:b${index}`];
      await client.generate(sharedRequest(), { runId, scope });
      await client.generate(branchRequest(index), { runId, scope });
    }),
  );
}

function mockClient() {
  return new MockModelClient({ script: { default_latency_ms: latencyMs } });
}

export async function run() {
  const bare = mockClient();
  const bareStart = performance.now();
  await fanOut(bare, 'bare');
  const bareMs = performance.now() - bareStart;

  const provider = mockClient();
  const memo = new MemoizingModelClient(provider, { store: new InMemoryMemoStore(), pricesFor: () => prices });
  const memoStart = performance.now();
  await fanOut(memo, 'run-1');
  const memoMs = performance.now() - memoStart;
  const firstRun = memo.telemetry.counters();
  const firstRunCalls = provider.calls.length;

  await fanOut(memo, 'run-2');
  const secondRunCalls = provider.calls.length - firstRunCalls;
  const usage = toMemoUsage(memo.telemetry.counters());

  return [
    { bench: 'memo', metric: 'requested calls (run 1)', value: branches * 2, unit: 'calls' },
    { bench: 'memo', metric: 'provider calls (run 1)', value: firstRunCalls, unit: 'calls', target: `<= ${branches + 1}`, note: '1 shared + 1 per branch' },
    { bench: 'memo', metric: 'in-flight shares (run 1)', value: firstRun.sharedInFlight, unit: 'calls' },
    { bench: 'memo', metric: 'saved tokens (run 1)', value: firstRun.savedInputTokens + firstRun.savedOutputTokens, unit: 'tokens' },
    { bench: 'memo', metric: 'saved cost (run 1)', value: firstRun.savedCost.knownMicroUsd, unit: 'micro-USD', note: firstRun.savedCost.unknownParts ? 'partly unknown' : 'illustrative prices' },
    { bench: 'memo', metric: 'provider calls (run 2, deterministic)', value: secondRunCalls, unit: 'calls', target: '0' },
    { bench: 'memo', metric: 'armh_hits total', value: usage.armh_hits, unit: 'calls' },
    { bench: 'memo', metric: 'armh_saved_estimated_tokens total', value: usage.armh_saved_estimated_tokens, unit: 'tokens' },
    { bench: 'memo', metric: 'wall time without memo', value: bareMs, unit: 'ms', note: `${latencyMs} ms mock latency` },
    { bench: 'memo', metric: 'wall time with memo (run 1)', value: memoMs, unit: 'ms' },
  ];
}
