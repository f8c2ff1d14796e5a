import { describe, expect, it } from 'vitest';
import { MockModelClient } from './mock/index.js';
import type { ModelRequest } from './model-request.js';
import { BadRequestError, ServerError } from './provider-error.js';
import { RetryingModelClient, type RetryAttempt } from './retrying-model-client.js';

const request: ModelRequest = { route: { provider: 'mock', model: 'm' }, messages: [{ role: 'user', content: 'q' }] };

function failingMock(kind: 'server' | 'bad_request' | 'rate_limit', times?: number, retryAfterMs?: number) {
  return new MockModelClient({ script: { rules: [{ text: 'ok', fail: { kind, times, retry_after_ms: retryAfterMs } }] } });
}

describe('RetryingModelClient', () => {
  it('backs off exponentially with full jitter from the injected random source', async () => {
    const waits: number[] = [];
    const client = new RetryingModelClient(failingMock('server', 3), {
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      policy: { baseDelayMs: 100, maxAttempts: 4 },
    });
    expect((await client.generate(request)).text).toBe('ok');
    expect(waits).toEqual([50, 100, 200]);
  });

  it('caps each delay at maxDelayMs', async () => {
    const waits: number[] = [];
    const client = new RetryingModelClient(failingMock('server', 3), {
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.999,
      policy: { baseDelayMs: 1000, maxDelayMs: 1500 },
    });
    await client.generate(request);
    expect(waits.every((wait) => wait <= 1500)).toBe(true);
  });

  it('gives up after maxAttempts with the last transient error', async () => {
    const inner = failingMock('server');
    const client = new RetryingModelClient(inner, { sleep: async () => {}, policy: { maxAttempts: 3 } });
    await expect(client.generate(request)).rejects.toBeInstanceOf(ServerError);
    expect(inner.calls).toHaveLength(3);
  });

  it('never retries a terminal error', async () => {
    const inner = failingMock('bad_request');
    const client = new RetryingModelClient(inner, { sleep: async () => {} });
    await expect(client.generate(request)).rejects.toBeInstanceOf(BadRequestError);
    expect(inner.calls).toHaveLength(1);
  });

  it('honours Retry-After, and reports a Retry-After beyond its patience instead of waiting', async () => {
    const waits: number[] = [];
    const retries: RetryAttempt[] = [];
    const client = new RetryingModelClient(failingMock('rate_limit', 1, 1234), {
      sleep: async (ms) => void waits.push(ms),
      onRetry: (attempt) => retries.push(attempt),
    });
    await client.generate(request);
    expect(waits).toEqual([1234]);
    expect(retries.map((retry) => [retry.attempt, retry.error.name])).toEqual([[1, 'RateLimitError']]);

    const impatient = new RetryingModelClient(failingMock('rate_limit', 1, 120_000), { sleep: async (ms) => void waits.push(ms) });
    // Not retryable: the engine would otherwise retry the leaf at once and be refused again.
    const refused = await impatient.generate(request).then(() => undefined, (error: unknown) => error);
    expect(refused).toMatchObject({ name: 'RetryAfterTooLongError', retryable: false, retryAfterMs: 120_000 });
    expect(String((refused as Error).message)).toMatch(/asked to wait 120 s before trying again \(Retry-After\), longer than the 60 s WhaleFlow waits/);
    expect(waits).toEqual([1234]); // it did not wait
  });

  it('retries a stream that failed before producing anything', async () => {
    const client = new RetryingModelClient(failingMock('server', 1), { sleep: async () => {} });
    const events = [];
    for await (const event of client.stream(request)) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'finish', response: { text: 'ok' } });
  });
});
