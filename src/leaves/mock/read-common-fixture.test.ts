import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../util/index.js';
import { mockFixtureSchema } from './mock-fixture-schema.js';
import { parseMockFixture } from './parse-mock-fixture.js';
import { readCommonFixture } from './read-common-fixture.js';

// The hand-written reader of wide fixtures must give what zod gives, key for key, and accept
// nothing zod refuses; values are drawn from each field's forms and from near misses.

const odd = fc.constantFrom<unknown>(undefined, null, -1, 1.5, Number.POSITIVE_INFINITY, '', 'x', true, [], {});
const orOdd = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 10, arbitrary }, { weight: 1, arbitrary: odd });
const rule = fc.record(
  {
    match: orOdd(fc.record({ id: orOdd(fc.string({ maxLength: 5 })), prompt: fc.constant('^a') }, { requiredKeys: [] })),
    output: orOdd(fc.string({ maxLength: 5 })),
    latency_ms: orOdd(fc.oneof(fc.nat(30), fc.double({ min: 0, max: 5, noNaN: true }))),
    exit_code: fc.integer({ min: 0, max: 2 }),
    colour: fc.constant('blue'),
  },
  { requiredKeys: ['match'] },
);
const fixture = fc.record(
  {
    defaults: orOdd(fc.record({ latency_ms: fc.nat(5) }, { requiredKeys: [] })),
    leaves: fc.array(rule, { maxLength: 4 }),
    judge: fc.constant([{ match: { node: 'loop' }, answer: true }]),
    extra: fc.constant(1),
  },
  { requiredKeys: ['leaves'] },
);

describe('readCommonFixture', () => {
  it('reads what zod reads, key for key, and nothing zod refuses', () => {
    fc.assert(
      fc.property(fixture, (value) => {
        const common = readCommonFixture(value);
        const reference = mockFixtureSchema.safeParse(value);
        if (common) {
          expect(reference.success).toBe(true);
          expect(JSON.stringify(common)).toBe(JSON.stringify(reference.data));
          expect(common).toEqual(reference.data);
        }
        if (reference.success) expect(common).toEqual(reference.data);
      }),
      { numRuns: 3000 },
    );
  });

  it('asks zod nothing for a fixture of id rules with at most a default latency', () => {
    const parse = vi.spyOn(mockFixtureSchema, 'safeParse');
    const rules = [{ match: { id: 'a' }, output: 'x', latency_ms: 0 }];
    expect(readCommonFixture({ defaults: { latency_ms: 2 }, leaves: rules })).toEqual(mockFixtureSchema.parse({ defaults: { latency_ms: 2 }, leaves: rules }));
    expect(readCommonFixture({ leaves: rules })).toEqual(mockFixtureSchema.parse({ leaves: rules }));
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
  });

  it('reads a wide YAML fixture and still positions a mistake in one', () => {
    const rules = Array.from({ length: 3 }, (_, index) => `- match:\n    id: leaf-${index}\n  output: "out ${index}"\n  latency_ms: 0\n`).join('');
    expect(parseMockFixture(`defaults:\n  latency_ms: 1\nleaves:\n${rules}`).leaves).toEqual([
      { match: { id: 'leaf-0' }, output: 'out 0', latency_ms: 0 },
      { match: { id: 'leaf-1' }, output: 'out 1', latency_ms: 0 },
      { match: { id: 'leaf-2' }, output: 'out 2', latency_ms: 0 },
    ]);
    let caught: unknown;
    try {
      parseMockFixture(`leaves:\n${rules}- match:\n    id: x\n  latency_ms: -1\n`, 'f.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).diagnostics[0]).toMatchObject({ position: { file: 'f.yaml', line: 16 } });
    expect((caught as InvalidInputError).diagnostics[0]!.message).toContain('leaves.3.latency_ms');
  });
});
