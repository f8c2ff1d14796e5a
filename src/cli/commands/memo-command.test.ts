import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteMemoStore } from '../../memo/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

function seed(path: string): void {
  const store = new SqliteMemoStore(path);
  store.put({
    key: 'armh-v1:k',
    route: { provider: 'mock', model: 'mock-default' },
    response: { text: 't', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 7, outputTokens: 2, cacheHitInputTokens: 0, cacheMissInputTokens: 7 } },
    deterministic: true,
    createdAtMs: 1,
  });
  store.close();
}

describe('whaleflow memo', () => {
  it('shows stats, exports entries and clears the project database (WHALEFLOW_HOME)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-memo-cli-'));
    const env = { WHALEFLOW_HOME: 'state' };
    seed(join(cwd, 'state', 'whaleflow.db'));
    const stats = await runCliInMemory(['memo', 'stats', '--json'], { cwd, env });
    expect(JSON.parse(stats.stdout)).toMatchObject({ entries: 1, storedInputTokens: 7, storedOutputTokens: 2 });
    const exported = await runCliInMemory(['memo', 'export'], { cwd, env });
    expect(JSON.parse(exported.stdout.trim())).toMatchObject({ key: 'armh-v1:k', response: { text: 't' } });
    expect((await runCliInMemory(['memo', 'clear'], { cwd, env })).stdout).toBe('cleared 1 memo entries\n');
    expect(JSON.parse((await runCliInMemory(['memo', 'stats', '--json'], { cwd, env })).stdout).entries).toBe(0);
  });

  it('takes --db, and never creates a database just to inspect it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-memo-cli-'));
    const absent = await runCliInMemory(['memo', 'stats'], { cwd, env: {} });
    expect(absent.stdout).toContain('no project database at');
    seed(join(cwd, 'custom.db'));
    expect((await runCliInMemory(['memo', 'stats', '--db', 'custom.db'], { cwd, env: {} })).stdout).toMatch(/entries\s+1/);
  });
});
