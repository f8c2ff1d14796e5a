import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../run-cli-in-memory.js';

const repository = fileURLToPath(new URL('../../..', import.meta.url));

describe('whaleflow check', () => {
  it("the README's `whaleflow check workflows/*` succeeds on a fresh clone: fixture files are checked as fixtures", async () => {
    expect(readFileSync(join(repository, 'README.md'), 'utf8')).toContain('whaleflow check workflows/*');
    // What the shell's glob expands `workflows/*` to (it skips dotfiles).
    const files = readdirSync(join(repository, 'workflows'))
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => join(repository, 'workflows', name));
    expect(files.some((file) => file.endsWith('.fixtures.yaml'))).toBe(true);
    const result = await runCliInMemory(['check', ...files], { cwd: repository });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/rlm_cache_change\.fixtures\.yaml: ok \(mock fixture\)/);
  });

  it('a broken fixture file fails check with its positioned diagnostic, like a broken workflow', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-check-'));
    writeFileSync(join(cwd, 'review.fixtures.yaml'), 'leaves:\n  - match: {id: a}\n    latency_ms: soon\n');
    const result = await runCliInMemory(['check', 'review.fixtures.yaml'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^review\.fixtures\.yaml:3:17: leaves\.0\.latency_ms: /);
  });

  it('a fixture with a YAML syntax error is named as typed, positioned once, without the parser\'s own "at line" suffix', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'whaleflow-check-'));
    writeFileSync(join(cwd, 'broken.fixtures.yaml'), 'leaves:\n  - match: {id: a\n');
    const result = await runCliInMemory(['check', 'broken.fixtures.yaml'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^broken\.fixtures\.yaml:\d+:\d+: \S/);
    expect(result.stderr).not.toContain(cwd);
    expect(result.stderr).not.toMatch(/at line \d+, column \d+/);
  });
});
