import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileLinearRegex, InvalidRegexError, SearchDeadlineError, searchLines } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'whaleflow-regex-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A pattern and text that take the linear engine seconds (a large program over megabytes): stands in for any slow search. */
function slowSearch(): { pattern: string; file: string } {
  const file = join(directory, 'big.txt');
  writeFileSync(file, `${'b'.repeat(4 * 1024 * 1024)}\n`);
  return { pattern: '(\\w{50}|\\d{50}){20}', file };
}

describe('linear-time regular expressions', () => {
  it('match catastrophic-backtracking patterns in linear time (JavaScript RegExp would not return)', () => {
    const nested = compileLinearRegex('(a+)+$');
    expect(nested.test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(nested.test(`!${'a'.repeat(100_000)}`)).toBe(true);
    expect(compileLinearRegex('^(a+)+$').test(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(compileLinearRegex('(a|aa)*b').test('a'.repeat(100_000))).toBe(false);
    expect(compileLinearRegex('CACHE', { ignoreCase: true }).test('the cache')).toBe(true);
  });

  it('refuse what needs backtracking, bad syntax and huge patterns with InvalidRegexError', () => {
    expect(() => compileLinearRegex('(a)\\1')).toThrow(InvalidRegexError);
    expect(() => compileLinearRegex('foo(?=bar)')).toThrow(/invalid regular expression/);
    expect(() => compileLinearRegex('(')).toThrow(InvalidRegexError);
    expect(() => compileLinearRegex('a'.repeat(5000))).toThrow(/longer than/);
  });

  it('search files and texts off the main thread, in source order, skipping binary files', async () => {
    writeFileSync(join(directory, 'a.ts'), 'export class Cache {}\n// cache eviction\n');
    writeFileSync(join(directory, 'b.bin'), 'cache\u0000binary');
    const outcome = await searchLines(
      {
        pattern: 'cache',
        ignoreCase: true,
        sources: [{ name: 'a.ts', file: join(directory, 'a.ts') }, { name: 'b.bin', file: join(directory, 'b.bin') }, { name: 'note', text: 'no\nCACHE here' }, { name: 'gone', file: join(directory, 'missing') }],
        maxMatches: 10,
      },
      { timeoutMs: 30_000 },
    );
    expect(outcome.matches).toEqual([
      { source: 'a.ts', line: 1, text: 'export class Cache {}' },
      { source: 'a.ts', line: 2, text: '// cache eviction' },
      { source: 'note', line: 2, text: 'CACHE here' },
    ]);
    expect(outcome.skipped).toBe(2);
    const capped = await searchLines({ pattern: 'e', sources: [{ name: 'a.ts', file: join(directory, 'a.ts') }], maxMatches: 1 }, { timeoutMs: 30_000 });
    expect(capped).toMatchObject({ truncated: true, matches: [{ line: 1 }] });
  });

  it('a cancel stops a running search at once, and the event loop stays free while it runs', async () => {
    const { pattern, file } = slowSearch();
    const controller = new AbortController();
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks += 1;
      if (ticks === 5) controller.abort(new Error('cancelled by the test'));
    }, 20);
    try {
      await expect(searchLines({ pattern, sources: [{ name: 'big', file }], maxMatches: 1 }, { timeoutMs: 120_000, signal: controller.signal })).rejects.toThrow('cancelled by the test');
    } finally {
      clearInterval(ticker);
    }
    // The interval kept firing during the search: the main thread was never blocked by matching.
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('a search past its deadline is stopped with SearchDeadlineError', async () => {
    const { pattern, file } = slowSearch();
    await expect(searchLines({ pattern, sources: [{ name: 'big', file }], maxMatches: 1 }, { timeoutMs: 50 })).rejects.toThrow(SearchDeadlineError);
  });

  it('an invalid pattern is refused before any thread starts', async () => {
    await expect(searchLines({ pattern: '(?<=x)y', sources: [], maxMatches: 1 }, { timeoutMs: 1000 })).rejects.toThrow(InvalidRegexError);
  });
});
