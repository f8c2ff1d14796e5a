import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Row ids of the diagnostics table in docs/starlark.md, in order (e.g. `S1`, `P4`, `R36`). */
function tableIds(): string[] {
  const markdown = readFileSync(path.join(root, 'docs/starlark.md'), 'utf8');
  return [...markdown.matchAll(/^\| ([SPR]\d+) \|/gm)].map((match) => match[1]);
}

/** Row ids named by the chunks of src/starlark/testdata/diagnostics.star (`# S1` lines), in order, once each. */
function chunkIds(): string[] {
  const chunks = readFileSync(path.join(root, 'src/starlark/testdata/diagnostics.star'), 'utf8');
  return [...new Set([...chunks.matchAll(/^# ([SPR]\d+)$/gm)].map((match) => match[1]))];
}

describe('docs/starlark.md diagnostics table', () => {
  test('every row has a chunk in testdata/diagnostics.star, and every chunk a row, in the same order', () => {
    expect(tableIds().length).toBeGreaterThan(60);
    expect(chunkIds()).toEqual(tableIds());
  });
});
