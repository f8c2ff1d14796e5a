import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LeafSpecSchema, leafInputHash, leafInputHashDocument, leafInputHashOf, leafInputHashPrefix } from './index.js';

const workflow = { id: 'wf', goal: 'replay safely' };

describe('leaf input hash (CodeWhale test vectors)', () => {
  it('matches the vector for a leaf with all defaults and no dependencies', () => {
    const leaf = LeafSpecSchema.parse({ id: 'scan', prompt: 'run scan' });
    expect(leafInputHash(workflow, leaf)).toBe('95357aeb43a2bf1b4ca643d5437c8b656a7dae678acf4f7fed7213079d5acbe9');
  });

  it('matches the vector with both dependencies resolved, sorted by id', () => {
    const leaf = LeafSpecSchema.parse({ id: 'summarize', prompt: 'run summarize', depends_on_results: ['b', 'a'] });
    expect(leafInputHash(workflow, leaf, { a: 'one', b: 'two' })).toBe('7ddb9bafa0f2511d9f394eb2fea4355467a87385f9d75b5bce24aa6d6d19ff41');
  });

  it('matches the vector with one dependency unresolved (null)', () => {
    const leaf = LeafSpecSchema.parse({ id: 'summarize', prompt: 'run summarize', depends_on_results: ['b', 'a'] });
    expect(leafInputHash(workflow, leaf, { a: null, b: 'two' })).toBe('1a5d316e84ea5c7c0c97a7d440143d750a0c3dd860412672c1133f475faf09e2');
    expect(leafInputHash(workflow, leaf, { b: 'two' })).toBe('1a5d316e84ea5c7c0c97a7d440143d750a0c3dd860412672c1133f475faf09e2');
  });

  it('gives the same hash from a run\'s precomputed parts (workflow prefix, leaf JSON)', () => {
    const leaf = LeafSpecSchema.parse({ id: 'summarize', prompt: 'run summarize', depends_on_results: ['b', 'a'] });
    expect(leafInputHashOf(leafInputHashPrefix(workflow), JSON.stringify(leaf), leaf, { a: 'one', b: 'two' })).toBe('7ddb9bafa0f2511d9f394eb2fea4355467a87385f9d75b5bce24aa6d6d19ff41');
  });

  it('keeps integer-like dependency ids in byte order, not JavaScript key order', () => {
    const leaf = LeafSpecSchema.parse({ id: 'x', prompt: 'p', depends_on_results: ['b', '10', '2'] });
    expect(leafInputHashDocument(workflow, leaf, {})).toContain('"resolved_inputs":{"10":null,"2":null,"b":null}');
  });

  it('escapes strings as JSON does and writes non-ASCII raw', () => {
    const leaf = LeafSpecSchema.parse({ id: 'x', prompt: 'quote " slash \\ tab \t é', depends_on_results: ['a'] });
    const document = leafInputHashDocument(workflow, leaf, { a: 'line\nbreak' });
    expect(document).toContain('"prompt":"quote \\" slash \\\\ tab \\t é"');
    expect(document).toContain('"a":"line\\nbreak"');
  });

  it('does not depend on the key order of resolved inputs', () => {
    const leaf = LeafSpecSchema.parse({ id: 'x', prompt: 'p', depends_on_results: ['a', 'b', 'c', 'd'] });
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['a', 'b', 'c', 'd'], { minLength: 4, maxLength: 4 }),
        fc.array(fc.option(fc.string(), { nil: null }), { minLength: 4, maxLength: 4 }),
        (order, values) => {
          const sorted = Object.fromEntries(['a', 'b', 'c', 'd'].map((id, index) => [id, values[index] ?? null]));
          const shuffled = Object.fromEntries(order.map((id) => [id, sorted[id] ?? null]));
          expect(leafInputHash(workflow, leaf, shuffled)).toBe(leafInputHash(workflow, leaf, sorted));
        },
      ),
    );
  });
});
