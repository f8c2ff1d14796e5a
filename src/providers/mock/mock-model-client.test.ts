import { describe, expect, it } from 'vitest';
import { AuthenticationError, RateLimitError } from '../provider-error.js';
import type { ModelRequest } from '../model-request.js';
import { describeModelClientConformance } from '../testing/model-client-conformance.js';
import { MockModelClient } from './mock-model-client.js';
import { leafMarker, mockScriptSchema } from './mock-script.js';

const route = { provider: 'mock', model: 'mock-default' };

describeModelClientConformance('mock', async () => ({
  route,
  prepare: (reply) =>
    new MockModelClient({
      script: {
        rules: [
          {
            text: reply.text,
            tool_calls: reply.toolCalls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })),
            usage: {
              input_tokens: reply.usage.inputTokens,
              output_tokens: reply.usage.outputTokens,
              cache_hit_input_tokens: reply.usage.cacheHitInputTokens,
            },
          },
        ],
      },
    }),
  prepareHanging: () => new MockModelClient({ script: { default_latency_ms: 3_600_000 } }),
}));

function ask(content: string, extra: Partial<ModelRequest> = {}): ModelRequest {
  return { route, messages: [{ role: 'user', content }], ...extra };
}

describe('MockModelClient', () => {
  it('answers identical requests identically and different requests differently by default', async () => {
    const client = new MockModelClient();
    const first = await client.generate(ask('hello'));
    expect(await client.generate(ask('hello'))).toEqual(first);
    expect((await client.generate(ask('goodbye'))).text).not.toBe(first.text);
    expect(first.usage.inputTokens).toBeGreaterThan(0);
  });

  it('answers with the first rule that matches prompt, tools, turn and leaf', async () => {
    const client = new MockModelClient({
      script: {
        rules: [
          { match: { prompt: '^plan', tools: true, turn: 0 }, tool_calls: [{ name: 'read_file', arguments: { path: 'a' } }] },
          { match: { leaf: 'scan' }, text: 'scanned' },
          { match: { prompt: 'plan' }, text: 'a plan' },
        ],
      },
    });
    const tools = [{ name: 'read_file', description: 'read', parameters: { type: 'object' } }];
    expect((await client.generate(ask('plan the change', { tools }))).toolCalls[0]?.name).toBe('read_file');
    expect((await client.generate(ask('plan the change'))).text).toBe('a plan');
    expect((await client.generate(ask('x'), { scope: ['leaf:scan'] })).text).toBe('scanned');
    expect((await client.generate(ask(`x ${leafMarker('scan')}`))).text).toBe('scanned');
    expect(client.calls.map((call) => call.ruleIndex)).toEqual([0, 2, 1, 1]);
  });

  it('fails a set number of times with a transient error, then answers', async () => {
    const client = new MockModelClient({ script: { rules: [{ text: 'ok', fail: { kind: 'rate_limit', times: 2, retry_after_ms: 5 } }] } });
    await expect(client.generate(ask('a'))).rejects.toBeInstanceOf(RateLimitError);
    const second = await client.generate(ask('a')).catch((error: unknown) => error);
    expect(second).toMatchObject({ name: 'RateLimitError', retryable: true, retryAfterMs: 5, status: 429 });
    expect((await client.generate(ask('a'))).text).toBe('ok');
  });

  it('fails terminally without a count', async () => {
    const client = new MockModelClient({ script: { rules: [{ fail: { kind: 'authentication', message: 'bad key' } }] } });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(client.generate(ask('a'))).rejects.toBeInstanceOf(AuthenticationError);
    }
  });

  it('waits its latency on the injected sleep', async () => {
    const waits: number[] = [];
    const client = new MockModelClient({ script: { rules: [{ text: 'slow', latency_ms: 250 }] }, sleep: async (ms) => void waits.push(ms) });
    expect((await client.generate(ask('a'))).text).toBe('slow');
    expect(waits).toEqual([250]);
  });

  it('validates a fixture object with the exported schema', () => {
    expect(mockScriptSchema.safeParse({ rules: [{ match: { prompt: 'x' }, text: 'y' }] }).success).toBe(true);
    expect(mockScriptSchema.safeParse({ rules: [{ match: { promt: 'x' } }] }).success).toBe(false);
  });
});
