import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { locateShared } from '../util/testing/shared-directory.js';
import { conformanceSkips } from './testing/conformance-skips.js';
import { runChunk, splitChunks } from './testing/star-chunks.js';

const suite = locateShared('conformance/starlark-test-suite');

function suiteFiles(suiteRoot: string): string[] {
  return ['go', 'java', 'rust'].flatMap((folder) =>
    readdirSync(path.join(suiteRoot, folder))
      .filter((name) => name.endsWith('.star'))
      .sort()
      .map((name) => `${folder}/${name}`),
  );
}

const skipReasons = new Map(conformanceSkips.map((skip) => [skip.chunk, skip.reason]));
const usedSkips = new Set<string>();
const counts = { passed: 0, skipped: 0, failed: 0 };

/**
 * Every chunk of the shared suite, twice: with the Java implementation's wording (the unprefixed
 * and `java:` expectations must match the error text) and with any wording (only whether and
 * where a chunk fails is checked).
 */
describe.skipIf(!suite.available)('Starlark conformance suite (bazelbuild/starlark test_suite)', () => {
  const suiteRoot = suite.available ? suite.path : '';
  for (const file of suite.available ? suiteFiles(suiteRoot) : []) {
    const chunks = splitChunks(readFileSync(path.join(suiteRoot, file), 'utf8'), 'java');
    for (const chunk of chunks) {
      const name = `${file}:${chunk.line}`;
      const skipReason = skipReasons.get(name);
      if (skipReason) {
        usedSkips.add(name);
        counts.skipped++;
        test.skip(`${name} — skipped: ${skipReason}`, () => {});
        continue;
      }
      test(name, () => {
        const outcome = runChunk(file, chunk);
        if (outcome.ok) counts.passed++;
        else counts.failed++;
        expect(outcome.ok ? 'ok' : outcome.problem).toBe('ok');
      });
    }
  }

  test('every listed skip matches a chunk of the suite', () => {
    if (!suite.available) return;
    expect(conformanceSkips.map((skip) => skip.chunk).filter((chunk) => !usedSkips.has(chunk))).toEqual([]);
  });

  describe('--any-wording: every chunk fails or succeeds as expected, on the expected line', () => {
    for (const file of suite.available ? suiteFiles(suiteRoot) : []) {
      for (const chunk of splitChunks(readFileSync(path.join(suiteRoot, file), 'utf8'), 'java')) {
        const name = `${file}:${chunk.line}`;
        if (skipReasons.has(name)) continue;
        test(name, () => {
          const outcome = runChunk(file, chunk, { anyWording: true });
          expect(outcome.ok ? 'ok' : outcome.problem).toBe('ok');
        });
      }
    }
  });

  afterAll(() => {
    console.log(`starlark conformance: ${counts.passed} passed, ${counts.skipped} skipped, ${counts.failed} failed`);
  });
});
