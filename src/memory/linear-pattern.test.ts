import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { MemoryOperationError } from '../engine/index.js';
import { LinearPattern } from './linear-pattern.js';
import { literalAlternatives, requiredLiteral, screenLiterals } from './literal-screen.js';

/** What grep with RE2 alone says: the 0-based indexes of the matching lines of a chunk. */
function referenceLines(source: string, ignoreCase: boolean, text: string): number[] {
  const compiled = RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.flatMap((line, index) => (compiled.matcher(line).find() ? [index] : []));
}

function screenedLines(source: string, ignoreCase: boolean, text: string): number[] {
  return [...new LinearPattern(source, ignoreCase).matchingLines(text)].map((match) => match.index);
}

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

  it('screens on every alternative of an alternation or of a required group, and never on what an escape stands for', () => {
    expect(screenLiterals('abc|xyz')).toEqual(['abc', 'xyz']);
    expect(screenLiterals('\\d{2}:\\d{2}Z (WARN|ERROR)')).toEqual(['WARN', 'ERROR']);
    expect(screenLiterals('(?:foo|bar)bazz')).toEqual(['bazz']);
    expect(screenLiterals('(?P<level>WARN|ERROR): (disk|net)')).toEqual(['WARN', 'ERROR']);
    expect(screenLiterals('(WARN|ERROR)?: x')).toEqual([': x']); // the group may be absent
    expect(screenLiterals('FAIL|x')).toBeUndefined(); // one alternative offers nothing selective
    expect(screenLiterals('a|')).toBeUndefined(); // the empty alternative matches every line
    // Escapes that stand for a class or a code point are not the letters they are spelled with.
    expect(screenLiterals('\\x41BC')).toEqual(['BC']);
    expect(screenLiterals('\\x{41}BC')).toEqual(['BC']);
    expect(screenLiterals('\\pLxy')).toEqual(['xy']);
    expect(screenLiterals('\\p{Greek}xy')).toEqual(['xy']);
    expect(screenLiterals('[[:alpha:]xy]z')).toBeUndefined(); // x and y are members of the class
    expect(screenLiterals('[]a]bc')).toEqual(['bc']);
    expect(screenLiterals('\\Qa.b\\E')).toBeUndefined();
    expect(screenLiterals('(?s:ab)cd')).toBeUndefined();
  });

  it('finds the same lines of a chunk as RE2 on every line, with and without case, whatever the screen', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', 'ſ', 'K', 'k', 'K', ' ', '.', 'x', 'W', '1', '\n', '\n', ':', ']');
    // A stored chunk is never empty.
    const text = fc.array(alphabet, { minLength: 1, maxLength: 40 }).map((chars) => chars.join(''));
    const piece = fc.constantFrom(
      'a', 'b', 'ab', 'ba', 'k', 's', 'x', '.', 'a*', 'b+', '(ab)?', '[ab]', '\\.', ' ', 'A', 'kA', 'sk',
      '\\x61', '\\pL', '[[:alpha:]]', '(?:a|bb)', '(a|bb)+', '\\d', 'b{2}', 'a{0,1}', '^', '$', '\\b', ']', ':', 'W1', '(?:xa|b.)',
    );
    const pattern = fc.array(piece, { minLength: 1, maxLength: 5 }).chain((pieces) => fc.constantFrom(pieces.join(''), pieces.join('|')));
    fc.assert(
      fc.property(pattern, text, fc.boolean(), (source, chunk, ignoreCase) => {
        const expected = referenceLines(source, ignoreCase, chunk);
        expect(screenedLines(source, ignoreCase, chunk)).toEqual(expected);
        const lines = chunk.split('\n');
        if (chunk.endsWith('\n')) lines.pop();
        expect(lines.flatMap((line, index) => (new LinearPattern(source, ignoreCase).test(line) ? [index] : []))).toEqual(expected);
      }),
      { numRuns: 4000 },
    );
  });

  it('numbers the lines it finds in a chunk and returns their text, the last line without a newline too', () => {
    const chunk = 'ok 1\nFAIL a\nok 2\n\nFAIL b\nok FAIL';
    expect([...new LinearPattern('FAIL', false).matchingLines(chunk)]).toEqual([
      { index: 1, text: 'FAIL a' },
      { index: 4, text: 'FAIL b' },
      { index: 5, text: 'ok FAIL' },
    ]);
    expect([...new LinearPattern('^FAIL [ab]$', false).matchingLines(`${chunk}\n`)].map((match) => match.index)).toEqual([1, 4]);
  });
});
