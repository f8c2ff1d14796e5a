import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecretRedactor, sha256Hex } from '../util/index.js';
import { emptyMemoUsage } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import { eventRowBody } from './event-row.js';
import { LARGE_STRING_CHARS } from './large-event-strings.js';
import { batchEvent, decodeEvent, encodeSerializedEvent, nodeIdOf, SerializedBatchBuilder, serializeEvents } from './stored-event-codec.js';

const noSecrets = { mayContainSecret: () => false, redact: <T>(value: T) => value };
const noBlobs = (): string => {
  throw new Error('no blob expected');
};

/** What a store does with an event: its row body's JSON in, the event back out of payload and columns. */
function roundTrip(event: RunEvent): { payload: string; event: RunEvent } {
  const encoded = encodeSerializedEvent(JSON.stringify(eventRowBody(event)), event.type, noSecrets, noBlobs, 8192);
  return { payload: encoded.payload, event: decodeEvent(encoded.payload, { type: event.type, runId: event.runId, at: event.at, nodeId: nodeIdOf(event) }, () => undefined) };
}

const usage = { input_tokens: 100, output_tokens: 20, cost_microusd: 0 };

describe('stored event codec', () => {
  it('round-trips any activity text, moving long strings to blobs and back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat(40), (text, repeat) => {
        const message = text.repeat(repeat);
        const event: RunEvent = { type: 'activity', runId: 'r', at: 1, nodeId: 'n', message };
        const blobs = new Map<string, Buffer>();
        const encoded = encodeSerializedEvent(JSON.stringify(eventRowBody(event)), event.type, noSecrets, (content) => {
          const hash = sha256Hex(content);
          blobs.set(hash, Buffer.from(content, 'utf8'));
          return hash;
        }, 256);
        expect(encoded.blobHashes.length).toBe(Buffer.byteLength(message, 'utf8') > 256 ? 1 : 0);
        expect(decodeEvent(encoded.payload, { type: 'activity', runId: 'r', at: 1 }, (hash) => blobs.get(hash))).toEqual(event);
      }),
    );
  });

  it('keeps the envelope in the columns and an all-zero memo usage as 0, and restores both exactly', () => {
    const result = { status: 'succeeded' as const, output: 'out', usage, memo_usage: emptyMemoUsage(), error: undefined, artifacts: [] };
    const completed: RunEvent = { type: 'effect_completed', kind: 'leaf', key: 'k', scope: { nodeId: 'a', iteration: 0 }, ordinal: 0, source: 'live', durationMs: 1, result, runId: 'run-1', at: 17 };
    const finished: RunEvent = { type: 'node_finished', runId: 'run-1', at: 18, nodeId: 'a', kind: 'leaf', iteration: 0, status: 'succeeded', output: 'out', usage, memoUsage: emptyMemoUsage() };
    for (const event of [completed, finished]) {
      const { payload, event: read } = roundTrip(event);
      expect(payload).not.toContain('run-1');
      expect(payload).not.toContain('armh_hits');
      expect(payload).not.toContain(`"type"`);
      expect(read).toEqual(event);
    }
    // The served result keeps its key order (a replay's result digest hashes the tree's JSON).
    const served = roundTrip(completed).event as Extract<RunEvent, { type: 'effect_completed' }>;
    expect(JSON.stringify(served.result)).toBe(JSON.stringify(result));
  });

  it('keeps a memo usage that is not all zeros', () => {
    const memoUsage = { ...emptyMemoUsage(), armh_hits: 1 };
    const finished: RunEvent = { type: 'node_finished', runId: 'r', at: 1, nodeId: 'a', kind: 'leaf', iteration: 0, status: 'succeeded', output: null, usage, memoUsage };
    expect(roundTrip(finished).event).toEqual(finished);
    expect(roundTrip(finished).payload).toContain('"armh_hits":1');
  });

  it('reads a row written before the lean shape (the whole event as JSON) unchanged', () => {
    const finished: RunEvent = { type: 'node_finished', runId: 'r', at: 1, nodeId: 'a', kind: 'leaf', iteration: 0, status: 'succeeded', output: '0', usage, memoUsage: emptyMemoUsage() };
    expect(decodeEvent(JSON.stringify(finished), { type: 'node_finished', runId: 'r', at: 1 }, () => undefined)).toEqual(finished);
    // Its envelope is its own, whatever the columns say (a row moved to another run is caught as such).
    expect(decodeEvent(JSON.stringify(finished), { type: 'node_finished', runId: 'other', at: 1 }, () => undefined)).toEqual(finished);
  });

  it('stores an event whose large strings crossed beside its JSON exactly as the event itself', () => {
    const secret = 'sk-live-"quoted"-secret-value';
    const redactors = [noSecrets, new SecretRedactor({}, [secret])];
    const big = (seed: string) => `${seed}\n"${'spec '.repeat(LARGE_STRING_CHARS / 5)}"`;
    const events: RunEvent[] = [
      { type: 'run_started', runId: 'r', at: 1, specHash: 'h', spec: big('{"id":'), engineVersion: 'v', label: 'l', mode: 'live', patches: [] } as unknown as RunEvent,
      { type: 'effect_requested', runId: 'r', at: 2, kind: 'reduce', key: 'k', scope: { nodeId: 'fanin', iteration: 0 }, ordinal: 0, input: { prompt: big(`token ${secret} `), parts: [big('a'), 'small', { deep: [big('b')] }] } } as unknown as RunEvent,
      // A leaf's request is serialized plainly first, and again with its large strings aside only when it is that large.
      { type: 'effect_requested', runId: 'r', at: 3, kind: 'leaf', key: 'k2', scope: { nodeId: 'leaf', iteration: 0 }, ordinal: 0, input: { leaf_id: 'leaf', resolved_inputs: { up: big(`${secret} `) } } } as unknown as RunEvent,
    ];
    for (const redactor of redactors) {
      for (const event of events) {
        const batch = serializeEvents([event]);
        expect(batch.largeStrings?.get(0)?.length).toBeGreaterThan(0);
        expect(batch.json[0]!.length).toBeLessThan(LARGE_STRING_CHARS);
        const blobs = { plain: new Map<string, string>(), aside: new Map<string, string>() };
        const store = (into: Map<string, string>) => (content: string) => {
          const hash = sha256Hex(redactor.redact(content));
          into.set(hash, redactor.redact(content));
          return hash;
        };
        const plain = encodeSerializedEvent(JSON.stringify(eventRowBody(event)), event.type, redactor, store(blobs.plain), 8192);
        const aside = encodeSerializedEvent(batch.json[0]!, event.type, redactor, store(blobs.aside), 8192, batch.largeStrings!.get(0));
        expect(aside).toEqual(plain);
        expect(blobs.aside).toEqual(blobs.plain);
        expect(batchEvent(batch, 0)).toEqual(JSON.parse(JSON.stringify(event)));
      }
    }
    // The secret never reached a row or a blob, and the request says it was redacted.
    const redactor = redactors[1]!;
    const stored = new Map<string, string>();
    const encoded = encodeSerializedEvent(serializeEvents([events[1]!]).json[0]!, 'effect_requested', redactor, (content) => {
      const hash = sha256Hex(redactor.redact(content));
      stored.set(hash, redactor.redact(content));
      return hash;
    }, 8192, serializeEvents([events[1]!]).largeStrings!.get(0));
    expect(JSON.parse(encoded.payload)).toMatchObject({ redacted: true });
    for (const text of [encoded.payload, ...stored.values()]) expect(text).not.toContain('live-');
  });

  it('gives every event its own envelope back from the columns, in a batch of one run or of several, at any length', () => {
    const activity = (runId: string, at: number): RunEvent => ({ type: 'activity', runId, at, nodeId: `n-${at}`, message: 'm' });
    const finished = (runId: string, at: number): RunEvent => ({ type: 'run_finished', runId, at, status: 'succeeded', usage, memoUsage: emptyMemoUsage() }) as unknown as RunEvent;
    const oneRun = Array.from({ length: 600 }, (_, index) => (index % 7 === 6 ? finished('r', 1_796_000_000_000 + index) : activity('r', 1_796_000_000_000 + index)));
    const twoRuns = [activity('a', 1), activity('a', 2), finished('b', 3.5), activity('a', 4)];
    for (const events of [oneRun, twoRuns, [activity('only', 0)]]) {
      const batch = serializeEvents(events);
      expect(batch.types.length).toBe(events.length);
      expect(batch.at.length).toBe(events.length);
      events.forEach((event, index) => expect(batchEvent(batch, index)).toEqual(JSON.parse(JSON.stringify(event))));
    }
    expect(serializeEvents(oneRun).runIds).toBe('r'); // one run's id crosses once
    expect(serializeEvents(twoRuns).runIds).toEqual(['a', 'a', 'b', 'a']);
  });

  it('an event the builder refuses (an unknown type, a value JSON cannot hold) leaves the columns of the others aligned', () => {
    const activity = (runId: string, at: number): RunEvent => ({ type: 'activity', runId, at, nodeId: `n-${runId}-${at}`, message: 'm' });
    const builder = new SerializedBatchBuilder();
    const events = [activity('a', 1), activity('b', 2)];
    for (const event of events) builder.add(event);
    expect(() => builder.add({ type: 'custom_note', runId: 'c', at: 3, nodeId: 'x' } as unknown as RunEvent)).toThrow(/unknown event type/);
    expect(() => builder.add({ ...activity('d', 4), message: 10n } as unknown as RunEvent)).toThrow(/BigInt/);
    const after = [activity('a', 5), activity('e', 6)];
    for (const event of after) builder.add(event);
    const batch = builder.take();
    expect(batch.json).toHaveLength(4);
    expect([0, 1, 2, 3].map((index) => batchEvent(batch, index))).toEqual([...events, ...after]);
  });
});
