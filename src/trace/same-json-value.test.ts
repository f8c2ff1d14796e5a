import { describe, expect, it } from 'vitest';
import { hasKeysInOrder, LongTextDigest, sameJsonValue, withLongTextsDigested } from './same-json-value.js';

describe('sameJsonValue: whether a stored value and an emitted one read back as the same JSON', () => {
  it('is true for values that JSON.stringify writes alike, key order included', () => {
    const emitted = { leaf_id: 'a', role: 'explore', resolved_inputs: { b: null, c: 'x' }, list: [1, 'two', true, null, { d: 0 }] };
    expect(sameJsonValue(JSON.parse(JSON.stringify(emitted)), emitted)).toBe(true);
    expect(sameJsonValue(JSON.parse('0'), -0)).toBe(true);
  });

  it('is false for another key order, an extra or missing key, another type or value', () => {
    const emitted = { a: 1, b: { c: [1, 2] } };
    for (const stored of ['{"b":{"c":[1,2]},"a":1}', '{"a":1,"b":{"c":[1,2]},"d":0}', '{"a":1}', '{"a":"1","b":{"c":[1,2]}}', '{"a":1,"b":{"c":[1,2,3]}}', '{"a":1,"b":{"c":{"0":1,"1":2}}}', 'null', '[]']) {
      expect(sameJsonValue(JSON.parse(stored), emitted), stored).toBe(false);
    }
  });

  it('is false for what JSON cannot hold as it is, so an emitted value is never taken for a stored one it would not be written as', () => {
    expect(sameJsonValue(null, Number.NaN)).toBe(false);
    expect(sameJsonValue(null, Number.POSITIVE_INFINITY)).toBe(false);
    expect(sameJsonValue({}, { a: undefined })).toBe(false);
    expect(sameJsonValue([null], [undefined])).toBe(false);
    expect(sameJsonValue('2026-01-01T00:00:00.000Z', new Date('2026-01-01T00:00:00.000Z'))).toBe(false);
    expect(sameJsonValue({ a: 1 }, { toJSON: () => ({ a: 1 }) })).toBe(false);
    expect(sameJsonValue({ a: 1 }, Object.assign(Object.create(null), { a: 1 }))).toBe(false);
  });
});

describe('hasKeysInOrder', () => {
  it('checks own keys, their order and their number', () => {
    expect(hasKeysInOrder({ a: 1, b: 2 }, ['a', 'b'])).toBe(true);
    expect(hasKeysInOrder({ b: 2, a: 1 }, ['a', 'b'])).toBe(false);
    expect(hasKeysInOrder({ a: 1 }, ['a', 'b'])).toBe(false);
    expect(hasKeysInOrder({ a: 1, b: 2, c: 3 }, ['a', 'b'])).toBe(false);
    expect(hasKeysInOrder(Object.assign(Object.create({ a: 1 }), { b: 2 }), ['b'])).toBe(false);
  });
});

describe('withLongTextsDigested: what a replay holds of a recorded input until it compares it', () => {
  it('keeps a value without long strings as it is', () => {
    const stored = JSON.parse('{"leaf_id":"a","resolved_inputs":{"b":"short"},"list":[1,"x"]}');
    expect(withLongTextsDigested(stored)).toBe(stored);
  });

  it('holds a long string as its digest, which compares equal to that string only', () => {
    const prompt = `summarise\n${'### a leaf\nits output\n'.repeat(5000)}`;
    const stored = JSON.parse(JSON.stringify({ role: 'reducer', prompt, list: ['x', prompt] }));
    const held = withLongTextsDigested(stored) as { role: string; prompt: unknown; list: unknown[] };
    expect(held).not.toBe(stored);
    expect(held.prompt).toBeInstanceOf(LongTextDigest);
    expect(held.list[1]).toBeInstanceOf(LongTextDigest);
    expect(Object.keys(held)).toEqual(['role', 'prompt', 'list']);
    expect(stored.prompt).toBe(prompt);
    expect(sameJsonValue(held, { role: 'reducer', prompt, list: ['x', prompt] })).toBe(true);
    expect(sameJsonValue(held, { role: 'reducer', prompt: `${prompt.slice(0, -1)}!`, list: ['x', prompt] })).toBe(false);
    expect(sameJsonValue(held, { role: 'reducer', prompt: `${prompt} `, list: ['x', prompt] })).toBe(false);
    expect(sameJsonValue(held, { prompt, role: 'reducer', list: ['x', prompt] })).toBe(false);
  });
});
