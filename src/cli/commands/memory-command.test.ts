import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempGitRepository, type TempGitRepository } from '../../leaves/testing/temp-git-repository.js';
import { openProjectMemoryStore, splitText } from '../../memory/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

describe('whaleflow memory', () => {
  let home: TempGitRepository;
  let first: TempGitRepository;
  let second: TempGitRepository;
  let env: NodeJS.ProcessEnv;
  const databasePath = () => join(home.root, 'state', 'whaleflow.db');
  const save = (cwd: string, name: string, text: string) => {
    const store = openProjectMemoryStore({ databasePath: databasePath(), cwd });
    try {
      store.saveVersion({ name, text: splitText(text), origin: 'import' });
    } finally {
      store.close();
    }
  };
  const cli = (cwd: string, ...args: string[]) => runCliInMemory(['memory', ...args], { cwd, env });

  beforeEach(() => {
    home = tempGitRepository({ 'README.md': 'home\n' });
    first = tempGitRepository({ 'README.md': 'one\n' });
    second = tempGitRepository({ 'README.md': 'two\n' });
    mkdirSync(join(home.root, 'state'));
    // One database shared by two repositories, as WHALEFLOW_HOME allows.
    env = { PATH: process.env.PATH, HOME: home.root, XDG_CONFIG_HOME: join(home.root, '.config'), WHALEFLOW_HOME: join(home.root, 'state') };
  });
  afterEach(() => [home, first, second].forEach((repository) => repository?.remove()));

  it('lists, shows and searches only this repository\'s contexts, even in a shared database', async () => {
    save(first.root, 'spec', 'alpha\nretry twice on 429\nomega\n');
    save(second.root, 'secret', 'other repository text\n');
    const ls = await cli(first.root, 'ls', '--json');
    expect((JSON.parse(ls.stdout) as { name: string }[]).map((context) => context.name)).toEqual(['spec']);
    expect((await cli(first.root, 'show', 'secret')).stderr).toContain('no memory context named "secret" in this repository');
    expect((await cli(first.root, 'search', 'spec', 'retry|timeout')).stdout).toBe('2: retry twice on 429\n');
    expect((await cli(first.root, 'show', 'spec', '--lines', '2-3')).stdout).toMatch(/ {7}2 {2}retry twice on 429\n {7}3 {2}omega\n$/);
    expect((await cli(second.root, 'ls')).stdout).toMatch(/^secret /);
  });

  it('exports and imports a context, refusing a damaged document whole', async () => {
    save(first.root, 'spec', 'alpha\nbeta\n');
    const out = join(first.root, 'spec.memory.json');
    expect((await cli(first.root, 'export', 'spec', '--out', out)).stdout).toBe(`exported 1 context to ${out}\n`);
    expect((await cli(second.root, 'import', out)).stdout).toBe('imported spec: 2 lines, 11 bytes\n');
    expect((await cli(second.root, 'search', 'spec', 'beta')).stdout).toBe('2: beta\n');
    writeFileSync(out, readFileSync(out, 'utf8').replace('beta', 'BETA'));
    const damaged = await cli(second.root, 'import', out);
    expect(damaged.exitCode).not.toBe(0);
    expect(damaged.stderr).toContain('the text of "spec" does not match its sha256; the file is damaged or was edited');
  });

  it('keeps pinned contexts through clear unless forced, and frees what it reports', async () => {
    save(first.root, 'keep', 'pinned text\n');
    save(first.root, 'drop', 'unpinned text\n');
    expect((await cli(first.root, 'pin', 'keep')).stdout).toBe('pinned keep\n');
    expect((await cli(first.root, 'clear')).stdout).toBe('cleared 1 context (1 versions), freed 1 texts, 14 bytes\n');
    expect((await cli(first.root, 'clear', 'keep')).stderr).toContain('"keep" is pinned; unpin it (whaleflow memory pin keep --unpin) or pass --force');
    expect((await cli(first.root, 'clear', 'keep', '--force')).stdout).toBe('cleared 1 context (1 versions), freed 1 texts, 12 bytes\n');
    expect((await cli(first.root, 'ls')).stdout).toBe('no memory contexts\n');
  });

  it('refuses a bad regular expression with one line, never a stack trace', async () => {
    save(first.root, 'spec', 'a\n');
    const result = await cli(first.root, 'search', 'spec', '(a)\\1');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^whaleflow: invalid regular expression "\(a\)\\\\1": .*no backreferences or lookaround\)\n$/);
  });
});
