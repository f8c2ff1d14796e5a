import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelClient, ModelStreamEvent } from '../model-client.js';
import type { ModelRequest, ModelRoute } from '../model-request.js';
import { RequestCancelledError } from '../provider-error.js';
import type { ScriptedReply } from './scripted-reply.js';

export interface ConformanceHarness {
  /** A client whose next call answers with `reply`. */
  prepare(reply: ScriptedReply): ModelClient;
  /** A client whose next call never answers until aborted. */
  prepareHanging(): ModelClient;
  readonly route: ModelRoute;
  close?(): Promise<void>;
}

const textReply: ScriptedReply = {
  text: 'The answer is 42.',
  toolCalls: [],
  usage: { inputTokens: 120, outputTokens: 7, cacheHitInputTokens: 100 },
};

const toolReply: ScriptedReply = {
  text: '',
  toolCalls: [
    { id: 'call_a', name: 'read_file', arguments: { path: 'src/index.ts', lines: [1, 20] } },
    { id: 'call_b', name: 'grep', arguments: { pattern: 'TODO' } },
  ],
  usage: { inputTokens: 300, outputTokens: 40, cacheHitInputTokens: 0 },
};

function requestFor(route: ModelRoute): ModelRequest {
  return {
    route,
    system: 'You are a careful engineer.',
    messages: [
      { role: 'user', content: 'What is in src/index.ts?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'list_files', arguments: { dir: 'src' } }] },
      { role: 'tool', toolCallId: 'call_0', content: 'index.ts' },
    ],
    tools: [
      { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } },
      { name: 'grep', description: 'Search', parameters: { type: 'object', properties: { pattern: { type: 'string' } } } },
    ],
    temperature: 0,
    maxOutputTokens: 256,
  };
}

async function drain(events: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const all: ModelStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/**
 * The behaviour every ModelClient must show, whatever it talks to. Each implementation's test
 * file calls this once with a harness that can make its client give a scripted answer.
 */
export function describeModelClientConformance(name: string, makeHarness: () => Promise<ConformanceHarness>): void {
  describe(`ModelClient conformance: ${name}`, () => {
    let harness: ConformanceHarness;
    beforeAll(async () => {
      harness = await makeHarness();
    });
    afterAll(async () => {
      await harness.close?.();
    });

    it('generate returns text, a stop finish and usage split into cache hits and misses', async () => {
      const response = await harness.prepare(textReply).generate(requestFor(harness.route));
      expect(response.text).toBe(textReply.text);
      expect(response.toolCalls).toEqual([]);
      expect(response.finishReason).toBe('stop');
      expect(response.usage).toEqual({ inputTokens: 120, outputTokens: 7, cacheHitInputTokens: 100, cacheMissInputTokens: 20 });
    });

    it('generate returns tool calls with parsed arguments and a tool_calls finish', async () => {
      const response = await harness.prepare(toolReply).generate(requestFor(harness.route));
      expect(response.toolCalls).toEqual(toolReply.toolCalls);
      expect(response.finishReason).toBe('tool_calls');
      expect(response.usage.cacheMissInputTokens).toBe(300);
    });

    it('stream deltas add up to the final response, which comes last and once', async () => {
      const events = await drain(harness.prepare(textReply).stream(requestFor(harness.route)));
      const finishes = events.filter((event) => event.type === 'finish');
      expect(finishes).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('finish');
      const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
      expect(text).toBe(textReply.text);
      const final = finishes[0]?.type === 'finish' ? finishes[0].response : undefined;
      expect(final?.text).toBe(textReply.text);
      expect(final?.usage).toEqual({ inputTokens: 120, outputTokens: 7, cacheHitInputTokens: 100, cacheMissInputTokens: 20 });
    });

    it('streamed tool-call fragments assemble into the final tool calls', async () => {
      const events = await drain(harness.prepare(toolReply).stream(requestFor(harness.route)));
      const fragments = new Map<number, string>();
      for (const event of events) {
        if (event.type === 'tool-call-delta') fragments.set(event.index, (fragments.get(event.index) ?? '') + event.argumentsDelta);
      }
      expect([...fragments.values()].map((text) => JSON.parse(text))).toEqual(toolReply.toolCalls.map((call) => call.arguments));
      const finish = events.at(-1);
      expect(finish?.type === 'finish' ? finish.response.toolCalls : undefined).toEqual(toolReply.toolCalls);
      expect(finish?.type === 'finish' ? finish.response.finishReason : undefined).toBe('tool_calls');
    });

    it('an already aborted signal fails with RequestCancelledError', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(harness.prepare(textReply).generate(requestFor(harness.route), { signal: controller.signal })).rejects.toBeInstanceOf(
        RequestCancelledError,
      );
    });

    it('aborting a call in progress fails it with RequestCancelledError', async () => {
      const controller = new AbortController();
      const pending = harness.prepareHanging().generate(requestFor(harness.route), { signal: controller.signal });
      setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 20);
      await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
    });

    it('aborting a stream in progress fails it with RequestCancelledError', async () => {
      const controller = new AbortController();
      const pending = drain(harness.prepareHanging().stream(requestFor(harness.route), { signal: controller.signal }));
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toBeInstanceOf(RequestCancelledError);
    });
  });
}
