import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFiles } from '../workspace/index.js';
import { MAX_HIT_TEXT_CHARS, type SearchHit, type SearchOutcome, type SearchQuery } from './search-hit.js';

const MAX_FILES = 50_000;

/**
 * The fallback when ripgrep is not installed: walks the workspace (skipping .git, .whaleflow
 * and node_modules, not following symlinks) and matches the literal text case-insensitively.
 * Unlike ripgrep it does not read .gitignore, so it may find hits in ignored files.
 */
export async function builtinSearch(query: SearchQuery): Promise<SearchOutcome> {
  const needle = query.text.toLowerCase();
  const { files } = await walkFiles(query.root, '.', { fileScope: query.fileScope, limit: MAX_FILES, protectedPaths: query.protectedPaths });
  const hits: SearchHit[] = [];
  for (const path of files) {
    query.signal?.throwIfAborted();
    const text = await readFile(join(query.root, path), 'utf8').catch(() => '');
    if (text.includes('\u0000')) continue;
    for (const [index, line] of text.split('\n').entries()) {
      if (!line.toLowerCase().includes(needle)) continue;
      if (hits.length >= query.limit) return { hits, engine: 'builtin', truncated: true };
      hits.push({ path, line: index + 1, text: line.slice(0, MAX_HIT_TEXT_CHARS) });
    }
  }
  return { hits, engine: 'builtin', truncated: false };
}
