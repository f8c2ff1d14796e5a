import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../model-request.js';
import { AuthenticationError, ConnectionError, MalformedResponseError, RateLimitError, ServerError } from '../provider-error.js';
import { RetryingModelClient } from '../retrying-model-client.js';
import { FakeProviderServer, isStreamingRequest, type FakeReply, type FakeSseEvent } from '../testing/fake-provider-server.js';
import { describeModelClientConformance } from '../testing/model-client-conformance.js';
import type { ScriptedReply } from '../testing/scripted-reply.js';
import { AnthropicClient } from './anthropic-client.js';

const route = { provider: 'claude', model: 'claude-test-1' };

function wireUsage(reply: ScriptedReply) {
  return {
    input_tokens: reply.usage.inputTokens - reply.usage.cacheHitInputTokens,
    output_tokens: reply.usage.outputTokens,
    cache_read_input_tokens: reply.usage.cacheHitInputTokens,
    cache_creation_input_tokens: 0,
  };
}

function messageReply(reply: ScriptedReply): FakeReply {
  const content: unknown[] = reply.text ? [{ type: 'text', text: reply.text }] : [];
  for (const call of reply.toolCalls) content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
  return {
    kind: 'json',
    body: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: route.model,
      content,
      stop_reason: reply.toolCalls.length ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: wireUsage(reply),
    },
  };
}

function sse(type: string, body: Record<string, unknown>): FakeSseEvent {
  return { event: type, data: JSON.stringify({ type, ...body }) };
}

function streamEvents(reply: ScriptedReply): FakeSseEvent[] {
  const usage = wireUsage(reply);
  const events: FakeSseEvent[] = [
    sse('message_start', {
      message: { id: 'msg_1', type: 'message', role: 'assistant', model: route.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    }),
  ];
  let block = 0;
  if (reply.text) {
    events.push(sse('content_block_start', { index: block, content_block: { type: 'text', text: '' } }));
    for (const word of reply.text.match(/\S+\s*/g) ?? []) events.push(sse('content_block_delta', { index: block, delta: { type: 'text_delta', text: word } }));
    events.push(sse('content_block_stop', { index: block }));
    block += 1;
  }
  for (const call of reply.toolCalls) {
    const json = JSON.stringify(call.arguments);
    events.push(sse('content_block_start', { index: block, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
    events.push(sse('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: json.slice(0, 4) } }));
    events.push(sse('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: json.slice(4) } }));
    events.push(sse('content_block_stop', { index: block }));
    block += 1;
  }
  events.push(sse('ping', {}));
  events.push(sse('message_delta', { delta: { stop_reason: reply.toolCalls.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
  events.push(sse('message_stop', {}));
  return events;
}

function clientFor(server: FakeProviderServer, apiKey = 'test-key'): AnthropicClient {
  return new AnthropicClient({ providerId: route.provider, baseUrl: server.url, apiKey, apiKeyEnv: 'CLAUDE_KEY' });
}

describeModelClientConformance('anthropic (fake server)', async () => {
  const server = await FakeProviderServer.start();
  return {
    route,
    prepare: (reply) => {
      server.replaceQueue({
        kind: 'depends',
        reply: (request) => (isStreamingRequest(request) ? { kind: 'sse', events: streamEvents(reply) } : messageReply(reply)),
      });
      return clientFor(server);
    },
    prepareHanging: () => {
      server.replaceQueue({ kind: 'hang' });
      return clientFor(server);
    },
    close: () => server.close(),
  };
});

const plainReply: ScriptedReply = { text: 'done', toolCalls: [], usage: { inputTokens: 10, outputTokens: 2, cacheHitInputTokens: 0 } };

function ask(extra: Partial<ModelRequest> = {}): ModelRequest {
  return { route, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

async function drainText(events: AsyncIterable<{ type: string; text?: string }>): Promise<string> {
  let text = '';
  for await (const event of events) if (event.type === 'text-delta') text += event.text;
  return text;
}

describe('AnthropicClient against a fake server', () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start();
  });
  afterAll(() => server.close());

  it('sends the Messages wire format: tool results as user turns, the key sent, a max_tokens', async () => {
    server.replaceQueue(messageReply(plainReply));
    await clientFor(server).generate({
      route,
      system: 'sys',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'looking', toolCalls: [{ id: 't1', name: 'grep', arguments: { pattern: 'x' } }, { id: 't2', name: 'ls', arguments: {} }] },
        { role: 'tool', toolCallId: 't1', content: 'found' },
        { role: 'tool', toolCallId: 't2', content: 'a.ts' },
      ],
      tools: [{ name: 'grep', description: 'search', parameters: { type: 'object' } }],
      toolChoice: 'required',
      temperature: 0,
    });
    const sent = server.requests.at(-1);
    expect(sent?.url).toBe('/v1/messages');
    // SDK versions differ in where they put the key (x-api-key or a bearer token).
    expect([sent?.headers['x-api-key'], sent?.headers.authorization]).toContain(sent?.headers['x-api-key'] ? 'test-key' : 'Bearer test-key');
    expect(sent?.body).toMatchObject({
      model: route.model,
      system: 'sys',
      max_tokens: 4096,
      temperature: 0,
      tool_choice: { type: 'any' },
      tools: [{ name: 'grep', description: 'search', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'looking' },
            { type: 'tool_use', id: 't1', name: 'grep', input: { pattern: 'x' } },
            { type: 'tool_use', id: 't2', name: 'ls', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'found' },
            { type: 'tool_result', tool_use_id: 't2', content: 'a.ts' },
          ],
        },
      ],
    });
  });

  it('counts cache reads as hits and cache writes as misses', async () => {
    const reply = messageReply(plainReply) as Extract<FakeReply, { kind: 'json' }>;
    server.replaceQueue({
      kind: 'json',
      body: { ...(reply.body as object), usage: { input_tokens: 5, output_tokens: 2, cache_read_input_tokens: 60, cache_creation_input_tokens: 35 } },
    });
    expect((await clientFor(server).generate(ask())).usage).toEqual({ inputTokens: 100, outputTokens: 2, cacheHitInputTokens: 60, cacheMissInputTokens: 40 });
  });

  it('429 with Retry-After is a RateLimitError the retry decorator waits out', async () => {
    server.replaceQueue(
      { kind: 'json', status: 429, headers: { 'retry-after': '1' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'too many' } } },
      messageReply(plainReply),
    );
    const waits: number[] = [];
    const client = new RetryingModelClient(clientFor(server), { sleep: async (ms) => void waits.push(ms) });
    expect((await client.generate(ask())).text).toBe('done');
    expect(waits).toEqual([1000]);
    server.replaceQueue({ kind: 'json', status: 429, headers: { 'retry-after': '1' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'too many' } } });
    await expect(clientFor(server).generate(ask())).rejects.toBeInstanceOf(RateLimitError);
  });

  it('500 and 529 overloaded are retryable ServerErrors', async () => {
    for (const status of [500, 529]) {
      server.replaceQueue({ kind: 'json', status, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
      const failure = await clientFor(server).generate(ask()).catch((caught: unknown) => caught);
      expect(failure).toBeInstanceOf(ServerError);
      expect((failure as ServerError).retryable).toBe(true);
    }
  });

  it('an error event mid-stream is a retryable ServerError', async () => {
    const events = streamEvents({ ...plainReply, text: 'partial answer' }).slice(0, 3);
    events.push({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }) });
    server.replaceQueue({ kind: 'sse', events });
    await expect(drainText(clientFor(server).stream(ask()))).rejects.toBeInstanceOf(ServerError);
  });

  it('a connection reset is a ConnectionError, also mid-stream', async () => {
    server.replaceQueue({ kind: 'reset' });
    await expect(clientFor(server).generate(ask())).rejects.toBeInstanceOf(ConnectionError);
    server.replaceQueue({ kind: 'sse', events: streamEvents({ ...plainReply, text: 'one two three' }).slice(0, 3), resetAfter: true });
    await expect(drainText(clientFor(server).stream(ask()))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('a malformed stream is a MalformedResponseError', async () => {
    server.replaceQueue({ kind: 'sse', events: [...streamEvents(plainReply).slice(0, 2), { event: 'content_block_delta', data: '{"type":' }] });
    await expect(drainText(clientFor(server).stream(ask()))).rejects.toBeInstanceOf(MalformedResponseError);
    server.replaceQueue({ kind: 'sse', events: streamEvents(plainReply).slice(0, -1) });
    await expect(drainText(clientFor(server).stream(ask()))).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('401 is a terminal AuthenticationError; a missing key fails before any request', async () => {
    server.replaceQueue({ kind: 'json', status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
    const failure = await clientFor(server).generate(ask()).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as AuthenticationError).retryable).toBe(false);
    const before = server.requests.length;
    const missing = await clientFor(server, '').generate(ask()).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(AuthenticationError);
    expect((missing as Error).message).toContain('CLAUDE_KEY');
    expect(server.requests.length).toBe(before);
  });
});
