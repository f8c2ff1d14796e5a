import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText, resolveRoute } from '../../config/index.js';
import { runCliInMemory } from '../run-cli-in-memory.js';

describe('whaleflow init', () => {
  it('writes a valid starter config that routes to the mock, and refuses to overwrite without --force', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-init-'));
    const first = await runCliInMemory(['init'], { cwd, env: {} });
    expect(first.exitCode).toBe(0);
    const path = join(cwd, 'whaleflow.config.yaml');
    const config = parseConfigText(readFileSync(path, 'utf8'), path);
    expect(resolveRoute(config, { role: 'implementer' })).toMatchObject({ provider: 'mock', model: 'mock-default' });
    expect(readFileSync(path, 'utf8')).toMatch(/# deepseek:[\s\S]*# anthropic:[\s\S]*# vllm:/);

    writeFileSync(path, 'mine');
    const second = await runCliInMemory(['init'], { cwd, env: {} });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe('mine');
    expect((await runCliInMemory(['init', '--force'], { cwd, env: {} })).exitCode).toBe(0);
    expect(readFileSync(path, 'utf8')).not.toBe('mine');
  });
});
