import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MockModelClient } from '../../providers/index.js';
import { realLeafKind } from '../leaf-kind.js';
import { RealLeafRunner } from '../real-leaf-runner.js';
import { leafRunInput, leafSpec, recordingContext } from '../testing/leaf-run-fixtures.js';
import { tempGitRepository, type TempGitRepository } from '../testing/temp-git-repository.js';
import { parseRipgrepJson } from './ripgrep-search.js';
import { isRipgrepInstalled, searchFiles } from './search-files.js';
import { parseSearchPrompt } from './search-leaf-runner.js';

const files = {
  'src/cache.ts': 'export class Cache {}\n// TODO cache eviction\n',
  'src/util/lru.ts': 'import { Cache } from "../cache";\n',
  'docs/cache.md': 'The Cache keeps entries.\n',
  'node_modules/dep/index.js': 'Cache everywhere\n',
};

describe('search', () => {
  let repository: TempGitRepository;
  beforeEach(() => {
    repository = tempGitRepository(files);
  });
  afterEach(() => repository.remove());

  it('built-in fallback: literal, case-insensitive, sorted, confined to the file scope, skipping node_modules', async () => {
    const everywhere = await searchFiles({ root: repository.root, text: 'cache', fileScope: [], limit: 100 }, 'builtin');
    expect(everywhere.engine).toBe('builtin');
    expect(everywhere.hits.map((hit) => `${hit.path}:${hit.line}`)).toEqual(['docs/cache.md:1', 'src/cache.ts:1', 'src/cache.ts:2', 'src/util/lru.ts:1']);
    const scoped = await searchFiles({ root: repository.root, text: 'CACHE', fileScope: ['src/**'], limit: 2 }, 'builtin');
    expect(scoped.hits.map((hit) => hit.path)).toEqual(['src/cache.ts', 'src/cache.ts']);
    expect(scoped.truncated).toBe(true);
  });

  it('ripgrep path: runs `rg --json`, parses matches, re-checks the file scope and sorts (with a stand-in rg)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'wf-fake-rg-'));
    try {
      const lines = [
        { type: 'begin', data: { path: { text: './src/cache.ts' } } },
        { type: 'match', data: { path: { text: './src/cache.ts' }, lines: { text: '// TODO cache eviction\n' }, line_number: 2 } },
        { type: 'match', data: { path: { text: './docs/cache.md' }, lines: { text: 'The Cache keeps entries.\n' }, line_number: 1 } },
        { type: 'match', data: { path: { text: './src/cache.ts' }, lines: { text: 'export class Cache {}\n' }, line_number: 1 } },
        { type: 'summary', data: {} },
      ];
      const fake = join(bin, 'rg');
      writeFileSync(fake, `#!/bin/sh\necho "$@" > "${bin}/args"\ncat <<'JSON'\n${lines.map((line) => JSON.stringify(line)).join('\n')}\nJSON\n`);
      chmodSync(fake, 0o755);
      const outcome = await searchFiles({ root: repository.root, text: 'cache', fileScope: ['src/**'], limit: 10 }, 'ripgrep', fake);
      expect(outcome.engine).toBe('ripgrep');
      expect(outcome.hits).toEqual([
        { path: 'src/cache.ts', line: 1, text: 'export class Cache {}' },
        { path: 'src/cache.ts', line: 2, text: '// TODO cache eviction' },
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  // ripgrep is optional for users (the built-in search runs without it), so a machine without rg
  // skips this comparison; .ci/run installs ripgrep, so CI always runs it and a missing rg fails there.
  const ripgrepHere = isRipgrepInstalled();
  if (!ripgrepHere && process.env.CI) throw new Error('ripgrep (rg) is not installed but CI is set: .ci/run installs it, so this is a failure, not a skip');
  it.skipIf(!ripgrepHere)('real ripgrep finds what the fallback finds (skipped: rg is not installed here)', async () => {
    const query = { root: repository.root, text: 'cache', fileScope: ['src/**', 'docs/**'], limit: 100 };
    const [withRipgrep, builtin] = await Promise.all([searchFiles(query, 'ripgrep'), searchFiles(query, 'builtin')]);
    expect(withRipgrep.hits).toEqual(builtin.hits);
  });

  it('a plain search leaf answers with the hits and no model call; one with instructions lets the model summarize', async () => {
    const mock = new MockModelClient({ script: { rules: [{ match: { prompt: 'Which files define' }, text: 'src/cache.ts:1 defines Cache' }] } });
    const runner = new RealLeafRunner({ cwd: repository.root, env: {}, modelClient: mock, routeFor: () => ({ route: { provider: 'mock', model: 'm' } }), searchEngine: 'builtin' });
    const plain = await runner.run(leafRunInput(leafSpec({ id: 's', prompt: 'Search codebase: class cache', agent_type: 'explore' })), recordingContext());
    expect(plain).toMatchObject({ status: 'succeeded', output: 'src/cache.ts:1: export class Cache {}', data: { query: 'class cache', engine: 'builtin', hits: 1 } });
    expect(mock.calls).toHaveLength(0);
    const summarized = await runner.run(
      leafRunInput(leafSpec({ id: 's2', prompt: 'Search codebase: cache\nWhich files define the cache?', agent_type: 'explore' })),
      recordingContext(),
    );
    expect(summarized.output).toBe('src/cache.ts:1 defines Cache');
    expect(mock.calls).toHaveLength(1);
    expect(mock.calls[0]!.request.tools).toBeUndefined();
    expect(summarized.artifacts?.[0]).toMatchObject({ kind: 'file', name: 'hits.txt' });
  });
});

describe('search helpers', () => {
  it('parses the search prompt and ripgrep JSON', () => {
    expect(parseSearchPrompt('Search codebase: foo bar')).toEqual({ query: 'foo bar', instructions: '' });
    expect(parseSearchPrompt('Search codebase: foo\n  explain it ')).toEqual({ query: 'foo', instructions: 'explain it' });
    expect(parseRipgrepJson('{"type":"match","data":{"path":{"text":"a/b.ts"},"lines":{"text":"x\\r\\n"},"line_number":3}}\nnot json\n')).toEqual([{ path: 'a/b.ts', line: 3, text: 'x' }]);
  });

  it('dispatches leaves by kind', () => {
    expect(realLeafKind(leafSpec({ id: 'a', prompt: 'Run test command: npm test', agent_type: 'verifier', command: 'npm test' }))).toBe('command');
    expect(realLeafKind(leafSpec({ id: 'b', prompt: 'Search codebase: x', agent_type: 'explore' }))).toBe('search');
    expect(realLeafKind(leafSpec({ id: 'c', prompt: 'Explore the cache', agent_type: 'explore' }))).toBe('agent');
    expect(realLeafKind(leafSpec({ id: 'd', prompt: 'Fix it', agent_type: 'implementer', command: 'npm test' }))).toBe('agent');
  });
});
