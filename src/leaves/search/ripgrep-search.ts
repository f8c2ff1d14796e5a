import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROTECTED_STATE_NAMES, touchesProtectedState } from '../../util/index.js';
import { inFileScope, isProtectedLocation, toPosix } from '../workspace/index.js';
import { MAX_HIT_TEXT_CHARS, type SearchHit, type SearchOutcome, type SearchQuery } from './search-hit.js';

/**
 * Searches with `rg --json` (literal, case-insensitive). ripgrep honours .gitignore and skips
 * hidden files; file_scope globs are passed as `-g` for speed and checked again on every hit,
 * because ripgrep's glob dialect is not exactly ours. git's and WhaleFlow's own state is
 * excluded with `-g '!name'` and dropped again from the hits.
 */
export function ripgrepSearch(query: SearchQuery, ripgrepCommand = 'rg'): Promise<SearchOutcome> {
  const excluded = [...PROTECTED_STATE_NAMES].flatMap((name) => ['-g', `!${name}`]);
  const args = ['--json', '--fixed-strings', '--ignore-case', '--no-follow', ...query.fileScope.flatMap((glob) => ['-g', glob]), ...excluded, '--', query.text, '.'];
  return new Promise((resolve, reject) => {
    const child = spawn(ripgrepCommand, args, { cwd: query.root, stdio: ['ignore', 'pipe', 'pipe'], signal: query.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      // 0: matches, 1: no match, 2: an error (possibly with some matches, e.g. an unreadable file).
      if (code !== 0 && code !== 1 && stdout === '') return reject(new Error(`rg failed (exit ${code}): ${stderr.trim()}`));
      const all = parseRipgrepJson(stdout).filter(
        (hit) => inFileScope(hit.path, query.fileScope) && !touchesProtectedState(hit.path) && !isProtectedLocation(join(query.root, hit.path), query.protectedPaths ?? []),
      );
      all.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : left.line - right.line));
      resolve({ hits: all.slice(0, query.limit), engine: 'ripgrep', truncated: all.length > query.limit });
    });
  });
}

interface RipgrepMatch {
  readonly type: string;
  readonly data?: { path?: { text?: string }; lines?: { text?: string }; line_number?: number };
}

/** The `match` messages of ripgrep's JSON Lines output, as hits (paths made workspace-relative). */
export function parseRipgrepJson(output: string): SearchHit[] {
  const hits: SearchHit[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line) as RipgrepMatch;
    const path = message.data?.path?.text;
    const lineNumber = message.data?.line_number;
    if (message.type !== 'match' || path === undefined || lineNumber === undefined) continue;
    const text = (message.data?.lines?.text ?? '').replace(/\r?\n$/, '').slice(0, MAX_HIT_TEXT_CHARS);
    hits.push({ path: toPosix(path).replace(/^\.\//, ''), line: lineNumber, text });
  }
  return hits;
}
