import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, globCovers, matchesGlob } from './glob.js';

/** The backtracking translation the matcher replaced: the reference for small inputs. */
function backtrackingReference(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      const followedBySlash = glob[index + 2] === '/';
      pattern += followedBySlash ? '(?:.*/)?' : '.*';
      index += followedBySlash ? 2 : 1;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '?') pattern += '[^/]';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

describe('globs', () => {
  it('match file scopes as documented: ** spans directories, * and ? stay in a segment', () => {
    expect(matchesGlob('src/memo/key.ts', 'src/**')).toBe(true);
    expect(matchesGlob('src/memo/key.ts', 'src/*')).toBe(false);
    expect(matchesGlob('src/key.ts', 'src/*.ts')).toBe(true);
    expect(matchesGlob('src/a/b/key.ts', 'src/**/key.ts')).toBe(true);
    expect(matchesGlob('src/key.ts', 'src/**/key.ts')).toBe(true);
    expect(matchesGlob('src/key.ts', 's?c/key.ts')).toBe(true);
    expect(matchesGlob('s/c/key.ts', 's?c/key.ts')).toBe(false);
    expect(matchesGlob('README.md', 'README.md')).toBe(true);
    expect(globCovers('src/**', 'src/memo/**')).toBe(true);
    expect(globCovers('src/memo/**', 'src/**')).toBe(false);
  });

  it('agree with the backtracking translation on every small glob and path (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '?', '.');
    const pathAlphabet = fc.constantFrom('a', 'b', '/', '.');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 8 }), fc.string({ unit: pathAlphabet, maxLength: 10 }), (glob, path) => {
        expect(compileGlob(glob).matches(path)).toBe(backtrackingReference(glob).test(path));
      }),
      { numRuns: 3000 },
    );
  });

  it('never backtrack: a model-chosen glob that froze the RegExp translation answers at once', () => {
    // With the old RegExp translation this call did not return within a minute.
    const glob = `${'a*'.repeat(15)}b`;
    expect(matchesGlob('a'.repeat(40), glob)).toBe(false);
    expect(matchesGlob(`${'a/'.repeat(200)}y`, `${'**/'.repeat(40)}x`)).toBe(false);
    expect(matchesGlob(`${'a'.repeat(10_000)}b`, `${'*a'.repeat(50)}*b`)).toBe(true);
  });
});
