import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/contracts/index.js';
import { eventRowBody } from './event-row.js';
import { eventRowJson, knownShapeRowJson } from './event-row-json.js';
import { PENDING_OUTPUT_REFERENCE, type OutputReference } from './output-reference.js';
import { fakeRunEvents } from './testing/index.js';

/** The one rule: the fast text is JSON.stringify's text of the row body, byte for byte. */
function expectSameText(event: RunEvent, reference?: OutputReference): void {
  expect(eventRowJson(event, reference)).toBe(JSON.stringify(eventRowBody(event, reference)));
}

const zeroMemo = { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };
const usage = { input_tokens: 100, output_tokens: 20, cost_microusd: 0 };
const scope = { nodeId: 'leaf-1', iteration: 0 };

function started(fields: Record<string, unknown> = {}): RunEvent {
  return { type: 'node_started', runId: 'r', at: 5, nodeId: 'leaf-1', kind: 'leaf', parentId: 'fan', iteration: 0, role: 'general', ...fields } as RunEvent;
}

function requested(fields: Record<string, unknown> = {}): RunEvent {
  return { type: 'effect_requested', runId: 'r', at: 5, kind: 'leaf', key: 'k'.repeat(64), scope, ordinal: 0, input: { leaf_id: 'leaf-1', role: 'general', resolved_inputs: {} }, ...fields } as RunEvent;
}

function completed(result: Record<string, unknown> = {}, fields: Record<string, unknown> = {}): RunEvent {
  return {
    type: 'effect_completed', runId: 'r', at: 6, kind: 'leaf', key: 'k'.repeat(64), scope, ordinal: 0, source: 'live', durationMs: 3,
    result: { status: 'succeeded', output: 'an answer', usage, memo_usage: zeroMemo, ...result },
    ...fields,
  } as RunEvent;
}

function finished(fields: Record<string, unknown> = {}): RunEvent {
  return { type: 'node_finished', runId: 'r', at: 7, nodeId: 'leaf-1', kind: 'leaf', iteration: 0, status: 'succeeded', output: 'an answer', usage, memoUsage: zeroMemo, ...fields } as RunEvent;
}

describe('eventRowJson', () => {
  it('takes the fast path for the events every leaf emits', () => {
    const { role: _role, ...withoutRole } = started() as Extract<RunEvent, { type: 'node_started' }>;
    for (const event of [started(), { ...withoutRole, parentId: null } as RunEvent, requested(), completed(), completed({ output: null }), finished()]) {
      expect(knownShapeRowJson(event, undefined)).toBeDefined();
    }
    expect(knownShapeRowJson(finished(), PENDING_OUTPUT_REFERENCE)).toBeDefined();
    expect(knownShapeRowJson(completed({ error: 'failed' }), undefined)).toBeUndefined();
  });

  it('writes what JSON.stringify writes of every event of a run', () => {
    const events = fakeRunEvents({ runId: 'run-1', leafCount: 5, outputOf: (index) => `answer "${index}"\n\t\\ é 🐳` });
    for (const event of events) expectSameText(event);
    for (const event of events.filter((each) => each.type === 'node_finished')) expectSameText(event, PENDING_OUTPUT_REFERENCE);
  });

  it('writes any string as JSON.stringify does: quotes, controls, non-ASCII, paired and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), (text, graphemes) => {
        expectSameText(started({ nodeId: text, parentId: graphemes, role: text + graphemes }));
        expectSameText(requested({ key: text, scope: { nodeId: graphemes, iteration: 1 }, input: { prompt: text } }));
        expectSameText(completed({ output: text + graphemes, status: graphemes }, { source: text }));
        expectSameText(finished({ output: graphemes + text, nodeId: text }));
      }),
    );
  });

  it('writes any number as JSON.stringify does', () => {
    const numbers = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 1e-7, 2 ** 53));
    fc.assert(
      fc.property(numbers, numbers, numbers, (first, second, third) => {
        expectSameText(started({ iteration: first }));
        expectSameText(requested({ ordinal: second, scope: { nodeId: 'n', iteration: third } }));
        expectSameText(completed({ usage: { input_tokens: first, output_tokens: second, cost_microusd: third } }, { durationMs: first }));
        expectSameText(finished({ iteration: third, usage: { input_tokens: 1, output_tokens: 2, cost_microusd: null } }));
      }),
    );
  });

  it('writes the shapes it does not know, and values that are not plain, as JSON.stringify does', () => {
    const memoInOtherOrder = { armh_misses: 0, armh_hits: 0, provider_prompt_cache_misses: 0, provider_prompt_cache_hits: 0, armh_saved_estimated_tokens: 0 };
    const variants: RunEvent[] = [
      started({ role: undefined }),
      started({ parentId: null }),
      started({ parentId: undefined }),
      started({ extra: 'a field a later engine adds' }),
      { ...(started() as object), role: undefined } as RunEvent,
      { runId: 'r', type: 'node_started', at: 1, nodeId: 'n', kind: 'leaf', parentId: null, iteration: 0 } as RunEvent,
      started({ nodeId: 42 }),
      started({ toJSON: () => 'mine' }),
      requested({ input: undefined }),
      requested({ input: { nested: [1, 'two', null, { three: true }], when: new Date(0) } }),
      requested({ input: 'a string input' }),
      requested({ redacted: true }),
      requested({ scope: { iteration: 0, nodeId: 'swapped' } }),
      requested({ scope: { nodeId: 'n', iteration: 0, extra: 1 } }),
      requested({ kind: 'memory' }),
      completed({ memo_usage: { ...zeroMemo, armh_hits: 2 } }),
      completed({ memo_usage: memoInOtherOrder }),
      completed({ memo_usage: { ...zeroMemo, armh_saved_cost_microusd: 0 } }),
      completed({ output: null }),
      completed({ error: 'it failed', status: 'failed' }),
      completed({ data: { answer: 'yes' } }),
      completed({ usage: { input_tokens: 1, output_tokens: 2 } }),
      completed({ usage: { output_tokens: 2, input_tokens: 1, cost_microusd: 3 } }),
      completed({ memo_usage: undefined }),
      completed({}, { source: undefined }),
      finished({ memoUsage: memoInOtherOrder }),
      finished({ memoUsage: { ...zeroMemo, provider_prompt_cache_hits: 7 } }),
      finished({ output: null }),
      finished({ error: 'boom', status: 'failed' }),
      finished({ details: { winner: 'b' } }),
      finished({ usage: undefined }),
      finished({ usage: { input_tokens: 1, output_tokens: 2, cost_microusd: 3, extra: 4 } }),
    ];
    for (const event of variants) {
      expectSameText(event);
      if (event.type === 'node_finished') expectSameText(event, PENDING_OUTPUT_REFERENCE);
    }
  });
});
