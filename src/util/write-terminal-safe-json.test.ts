import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafeJson } from './terminal-text.js';
import { terminalSafeJsonPieces, writeTerminalSafeJson } from './write-terminal-safe-json.js';

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

  it('writes the text it is given for an array as that array, and walks the rest as before', () => {
    const leaves = Array.from({ length: 700 }, (_, index) => ({ id: `leaf-${index}`, output: `"q" \u202e ${'x'.repeat(index % 50)}`, list: [index] }));
    const result = { status: 'succeeded', results: [{ id: 'fanout', children: leaves }, { id: 'fan-in', children: [] }] };
    const pieces = [JSON.stringify(leaves.slice(0, 300)).slice(1, -1), JSON.stringify(leaves.slice(300)).slice(1, -1)];
    const known = (list: readonly unknown[]) => (list === leaves ? pieces : undefined);
    expect([...terminalSafeJsonPieces(result, known)].join('')).toBe(terminalSafeJson(result));
    expect([...terminalSafeJsonPieces([1, 2], () => ['"given"', '"\u202e"'])].join('')).toBe(terminalSafeJson(['given', '\u202e']));
  });
});
