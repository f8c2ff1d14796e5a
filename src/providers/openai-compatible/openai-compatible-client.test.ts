import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRequest } from '../model-request.js';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  MalformedResponseError,
  RateLimitError,
  ServerError,
} from '../provider-error.js';
import { RetryingModelClient } from '../retrying-model-client.js';
import { FakeProviderServer, isStreamingRequest, type FakeReply } from '../testing/fake-provider-server.js';
import { describeModelClientConformance } from '../testing/model-client-conformance.js';
import type { ScriptedReply } from '../testing/scripted-reply.js';
import { OpenAiCompatibleClient } from './openai-compatible-client.js';

const route = { provider: 'compat', model: 'org/model-7b' };

/** DeepSeek-style usage: cache figures at the top level. */
function deepSeekUsage(reply: ScriptedReply) {
  return {
    prompt_tokens: reply.usage.inputTokens,
    completion_tokens: reply.usage.outputTokens,
    prompt_cache_hit_tokens: reply.usage.cacheHitInputTokens,
    prompt_cache_miss_tokens: reply.usage.inputTokens - reply.usage.cacheHitInputTokens,
  };
}

function completionReply(reply: ScriptedReply, usage: unknown = deepSeekUsage(reply)): FakeReply {
  return {
    kind: 'json',
    body: {
      id: 'cmpl-1',
      object: 'chat.completion',
      created: 1,
      model: route.model,
      choices: [
        {
          index: 0,
          finish_reason: reply.toolCalls.length ? 'tool_calls' : 'stop',
          message: {
            role: 'assistant',
            content: reply.text || null,
            tool_calls: reply.toolCalls.length
              ? reply.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } }))
              : undefined,
          },
        },
      ],
      usage,
    },
  };
}

function chunk(delta: unknown, finishReason: string | null = null, usage?: unknown): string {
  return JSON.stringify({
    id: 'cmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: route.model,
    choices: delta === undefined ? [] : [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  });
}

function streamReply(reply: ScriptedReply): FakeReply {
  const data: string[] = [chunk({ role: 'assistant', content: '' })];
  for (const word of reply.text.match(/\S+\s*/g) ?? []) data.push(chunk({ content: word }));
  reply.toolCalls.forEach((call, index) => {
    const json = JSON.stringify(call.arguments);
    data.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: json.slice(0, 5) } }] }));
    data.push(chunk({ tool_calls: [{ index, function: { arguments: json.slice(5) } }] }));
  });
  data.push(chunk({}, reply.toolCalls.length ? 'tool_calls' : 'stop'));
  data.push(chunk(undefined, null, deepSeekUsage(reply)));
  data.push('[DONE]');
  return { kind: 'sse', events: data.map((item) => ({ data: item })) };
}

function clientFor(server: FakeProviderServer, apiKey: string | undefined = 'test-key'): OpenAiCompatibleClient {
  return new OpenAiCompatibleClient({ providerId: route.provider, baseUrl: server.url, apiKey, apiKeyEnv: 'COMPAT_KEY' });
}

describeModelClientConformance('openai-compatible (fake server)', async () => {
  const server = await FakeProviderServer.start();
  return {
    route,
    prepare: (reply) => {
      server.replaceQueue({ kind: 'depends', reply: (request) => (isStreamingRequest(request) ? streamReply(reply) : completionReply(reply)) });
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

function recordingSleep(waits: number[]) {
  return async (milliseconds: number) => {
    waits.push(milliseconds);
  };
}

describe('OpenAiCompatibleClient against a fake server', () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await FakeProviderServer.start();
  });
  afterAll(() => server.close());

  it('sends the chat-completions wire format with the key as a bearer token', async () => {
    server.replaceQueue(completionReply(plainReply));
    await clientFor(server).generate({
      route,
      system: 'sys',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'grep', arguments: { pattern: 'x' } }] },
        { role: 'tool', toolCallId: 't1', content: 'found' },
      ],
      tools: [{ name: 'grep', description: 'search', parameters: { type: 'object' } }],
      toolChoice: { tool: 'grep' },
      temperature: 0,
      maxOutputTokens: 99,
      stop: ['END'],
      responseFormat: 'json',
    });
    const sent = server.requests.at(-1);
    expect(sent?.url).toBe('/chat/completions');
    expect(sent?.headers.authorization).toBe('Bearer test-key');
    expect(sent?.body).toMatchObject({
      model: 'org/model-7b',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'q' },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'grep', arguments: '{"pattern":"x"}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'found' },
      ],
      tools: [{ type: 'function', function: { name: 'grep' } }],
      tool_choice: { type: 'function', function: { name: 'grep' } },
      temperature: 0,
      max_tokens: 99,
      stop: ['END'],
      response_format: { type: 'json_object' },
    });
  });

  it('reads OpenAI-style cached tokens from prompt_tokens_details', async () => {
    server.replaceQueue(completionReply(plainReply, { prompt_tokens: 50, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 32 } }));
    const response = await clientFor(server).generate(ask());
    expect(response.usage).toEqual({ inputTokens: 50, outputTokens: 3, cacheHitInputTokens: 32, cacheMissInputTokens: 18 });
  });

  it('asks for usage on the last stream chunk', async () => {
    server.replaceQueue(streamReply(plainReply));
    for await (const _event of clientFor(server).stream(ask())) void _event;
    expect(server.requests.at(-1)?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('429 with Retry-After is a RateLimitError that the retry decorator waits out', async () => {
    server.replaceQueue(
      { kind: 'json', status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } },
      completionReply(plainReply),
    );
    const waits: number[] = [];
    const client = new RetryingModelClient(clientFor(server), { sleep: recordingSleep(waits), random: () => 0.5 });
    expect((await client.generate(ask())).text).toBe('done');
    expect(waits).toEqual([2000]);

    server.replaceQueue({ kind: 'json', status: 429, headers: { 'retry-after': '3' }, body: { error: { message: 'slow down' } } });
    const error = await clientFor(server).generate(ask()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 3000, retryable: true, provider: 'compat' });
  });

  it('500 is a retryable ServerError; a second 500 then success costs two backoffs', async () => {
    const failure: FakeReply = { kind: 'json', status: 500, body: { error: { message: 'boom' } } };
    server.replaceQueue(failure, failure, completionReply(plainReply));
    const waits: number[] = [];
    const client = new RetryingModelClient(clientFor(server), { sleep: recordingSleep(waits), random: () => 0.5, policy: { baseDelayMs: 100 } });
    expect((await client.generate(ask())).text).toBe('done');
    expect(waits).toEqual([50, 100]);
    server.replaceQueue(failure);
    await expect(clientFor(server).generate(ask())).rejects.toBeInstanceOf(ServerError);
  });

  it('a connection reset is a retryable ConnectionError', async () => {
    server.replaceQueue({ kind: 'reset' });
    await expect(clientFor(server).generate(ask())).rejects.toBeInstanceOf(ConnectionError);
    server.replaceQueue({ kind: 'reset' }, completionReply(plainReply));
    const client = new RetryingModelClient(clientFor(server), { sleep: recordingSleep([]) });
    expect((await client.generate(ask())).text).toBe('done');
  });

  it('a stream cut off mid-answer fails with ConnectionError and is not retried after output', async () => {
    const full = streamReply({ ...plainReply, text: 'one two three' });
    if (full.kind !== 'sse') throw new Error('expected sse');
    server.replaceQueue({ kind: 'sse', events: full.events.slice(0, 3), resetAfter: true }, completionReply(plainReply));
    const before = server.requests.length;
    const client = new RetryingModelClient(clientFor(server), { sleep: recordingSleep([]) });
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of client.stream(ask())) if (event.type === 'text-delta') seen.push(event.text);
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(seen.join('')).toBe('one two ');
    expect(server.requests.length - before).toBe(1);
  });

  it('a malformed stream fails with MalformedResponseError', async () => {
    server.replaceQueue({ kind: 'sse', events: [{ data: chunk({ content: 'ok' }) }, { data: '{not json' }] });
    const failure = await (async () => {
      for await (const _event of clientFor(server).stream(ask())) void _event;
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(MalformedResponseError);
    expect((failure as MalformedResponseError).retryable).toBe(false);
  });

  it('a stream that ends without a finish reason is malformed', async () => {
    server.replaceQueue({ kind: 'sse', events: [{ data: chunk({ content: 'ok' }) }, { data: '[DONE]' }] });
    const failure = await (async () => {
      for await (const _event of clientFor(server).stream(ask())) void _event;
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(MalformedResponseError);
  });

  it('a 400 is terminal, carries the provider message and is not retried', async () => {
    server.replaceQueue({ kind: 'json', status: 400, body: { error: { message: 'context length exceeded' } } }, completionReply(plainReply));
    const before = server.requests.length;
    const client = new RetryingModelClient(clientFor(server), { sleep: recordingSleep([]) });
    const failure = await client.generate(ask()).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(BadRequestError);
    expect((failure as Error).message).toContain('context length exceeded');
    expect(server.requests.length - before).toBe(1);
  });

  it('tool-call arguments that are not JSON are a MalformedResponseError', async () => {
    const reply = completionReply(plainReply) as Extract<FakeReply, { kind: 'json' }>;
    const body = structuredClone(reply.body) as { choices: Array<{ message: Record<string, unknown> }> };
    body.choices[0]!.message.tool_calls = [{ id: 'x', type: 'function', function: { name: 'grep', arguments: '{"pattern":' } }];
    server.replaceQueue({ kind: 'json', body });
    await expect(clientFor(server).generate(ask())).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it('a missing API key fails before any request, naming the variable but no value', async () => {
    const before = server.requests.length;
    const failure = await clientFor(server, '').generate(ask()).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as Error).message).toContain('COMPAT_KEY');
    expect(server.requests.length).toBe(before);
  });
});
