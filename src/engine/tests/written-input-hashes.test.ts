import { describe, expect, it } from 'vitest';
import type { LeafSpec } from '../../ir/index.js';
import { WrittenInputHashes } from '../run/written-input-hashes.js';

const leafNamed = (id: string): LeafSpec => ({ id }) as unknown as LeafSpec;

describe('WrittenInputHashes', () => {
  const [a, b, c, d, never] = ['a', 'b', 'c', 'd', 'never'].map(leafNamed) as [LeafSpec, LeafSpec, LeafSpec, LeafSpec, LeafSpec];

  it('gives each leaf its hash once, in the order written', () => {
    const hashes = new WrittenInputHashes();
    for (const leaf of [a, b, c]) hashes.add(leaf, `hash of ${leaf.id}`);
    expect([a, b, c].map((leaf) => hashes.take(leaf))).toEqual(['hash of a', 'hash of b', 'hash of c']);
    expect(hashes.take(a)).toBeUndefined();
    hashes.add(d, 'hash of d');
    expect(hashes.take(d)).toBe('hash of d');
  });

  it('gives the same hashes to leaves that ask in another order, or that were never written', () => {
    const hashes = new WrittenInputHashes();
    for (const leaf of [a, b, c]) hashes.add(leaf, `hash of ${leaf.id}`);
    expect(hashes.take(a)).toBe('hash of a');
    expect(hashes.take(never)).toBeUndefined();
    expect(hashes.take(c)).toBe('hash of c');
    hashes.add(d, 'hash of d');
    expect(hashes.take(c)).toBeUndefined();
    expect(hashes.take(d)).toBe('hash of d');
    expect(hashes.take(b)).toBe('hash of b');
    expect([a, b, c, d].map((leaf) => hashes.take(leaf))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('has nothing for a leaf while nothing was written', () => {
    expect(new WrittenInputHashes().take(a)).toBeUndefined();
  });
});
