import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { MemoryOperationError } from '../engine/index.js';
import { LinearPattern, literalAlternatives, requiredLiteral } from './linear-pattern.js';

describe('LinearPattern: linear-time search with a literal screen', () => {
  it('answers a pattern that backtracks exponentially in V8 (RE2 runs in linear time)', () => {
    const pattern = new LinearPattern('^(a+)+$', false);
    expect(pattern.test(`${'a'.repeat(5000)}b`)).toBe(false);
    expect(pattern.test('a'.repeat(5000))).toBe(true);
  });

  it('refuses backreferences and lookaround with a message the model can act on', () => {
    expect(() => new LinearPattern('(a)\\1', false)).toThrow(MemoryOperationError);
    expect(() => new LinearPattern('a(?=b)', false)).toThrow(/no backreferences or lookaround/);
  });

  it('reads required literals conservatively', () => {
    expect(literalAlternatives('FAIL|ERROR|timed out')).toEqual(['FAIL', 'ERROR', 'timed out']);
    expect(literalAlternatives('FAIL.*')).toBeUndefined();
    expect(requiredLiteral('^\\S+ FAIL src/')).toBe(' FAIL src/');
    expect(requiredLiteral('ab{2}cde')).toBe('cde');
    expect(requiredLiteral('abc|xyz')).toBeUndefined();
    expect(requiredLiteral('(?i)abc')).toBeUndefined();
    expect(requiredLiteral('a(bc)*def?')).toBe('de');
  });

  it('the screen never changes an answer: same verdict as RE2 alone, with and without case', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', 'ſ', 'K', 'k', 'K', ' ', '.', 'x');
    const text = fc.array(alphabet, { maxLength: 12 }).map((chars) => chars.join(''));
    const piece = fc.constantFrom('a', 'b', 'ab', 'ba', 'k', 's', 'x', '.', 'a*', 'b+', '(ab)?', '[ab]', '\\.', ' ', 'A', 'kA', 'sk');
    const pattern = fc.array(piece, { minLength: 1, maxLength: 5 }).chain((pieces) => fc.constantFrom(pieces.join(''), pieces.join('|')));
    fc.assert(
      fc.property(pattern, text, fc.boolean(), (source, line, ignoreCase) => {
        const reference = RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0).matcher(line).find();
        expect(new LinearPattern(source, ignoreCase).test(line)).toBe(reference);
      }),
      { numRuns: 3000 },
    );
  });
});
