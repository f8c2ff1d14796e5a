import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runChunk, splitChunks } from './testing/star-chunks.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

/** WhaleFlow's own chunked .star files: semantics and one error per chunk, same runner as conformance. */
describe('starlark testdata chunks', () => {
  for (const file of readdirSync(testdata).filter((name) => name.endsWith('.star')).sort()) {
    for (const chunk of splitChunks(readFileSync(path.join(testdata, file), 'utf8'))) {
      test(`${file}:${chunk.line}`, () => {
        const outcome = runChunk(file, chunk);
        expect(outcome.ok ? 'ok' : outcome.problem).toBe('ok');
      });
    }
  }
});
