import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './request-fingerprint.js';

function shuffledKeys(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffledKeys(item, seed));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const rotated = entries.map((_, index) => entries[(index + seed) % entries.length]!);
  return Object.fromEntries(rotated.map(([key, member]) => [key, shuffledKeys(member, seed)]));
}

describe('canonicalJson', () => {
  it('does not depend on the order object keys were written in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(20), (value, seed) => {
        expect(canonicalJson(shuffledKeys(value, seed))).toBe(canonicalJson(value));
      }),
    );
  });

  it('keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: [2, 1], a: undefined, c: { z: 1, y: 2 } })).toBe('{"b":[2,1],"c":{"y":2,"z":1}}');
  });
});
