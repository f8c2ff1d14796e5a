import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafeJson } from './terminal-text.js';
import { writeTerminalSafeJson } from './write-terminal-safe-json.js';

function written(value: unknown): { text: string; pieces: string[] } {
  const pieces: string[] = [];
  writeTerminalSafeJson(value, (piece) => pieces.push(piece));
  return { text: pieces.join(''), pieces };
}

describe('writeTerminalSafeJson', () => {
  it('writes exactly what terminalSafeJson returns, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => written(value).text === terminalSafeJson(value)));
  });

  it('and for what JSON.stringify leaves out or converts', () => {
    const odd = { gone: undefined, fn: () => 1, date: new Date(0), list: [undefined, () => 1, '\u202e\x9b\u2028', { nested: [1, { deeper: [] }] }] };
    for (const value of [odd, [odd], undefined, [], {}, { a: [] }]) expect(written(value).text).toBe(terminalSafeJson(value));
  });

  it('writes a wide result in pieces cut between values, never inside a string', () => {
    const result = { status: 'succeeded', results: [{ id: 'fanout', children: Array.from({ length: 5_000 }, (_, index) => ({ id: `leaf-${index}`, output: `"quoted" ${'x'.repeat(100)}` })) }] };
    const { text, pieces } = written(result);
    expect(text).toBe(JSON.stringify(result));
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/[}\],]$/);
  });
});
