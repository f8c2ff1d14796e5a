import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../index.js';

const golden = resolve(import.meta.dirname, '../../authoring/testdata/golden');

describe('whaleflow compile', () => {
  it('prints compact canonical JSON on one line, byte-identical for a CodeWhale document', async () => {
    const input = resolve(golden, 'codewhale-minimal.json');
    const result = await runCliInMemory(['compile', input]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(readFileSync(input, 'utf8'));
  });

  it('prints YAML with --format yaml', async () => {
    const result = await runCliInMemory(['compile', resolve(golden, 'sparse-codewhale.json'), '--format', 'yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^id: sparse\ngoal: Find flaky tests and propose fixes\n/);
  });

  it('prints the spec hash and one "<leaf id> <input hash>" line per leaf with --hashes', async () => {
    const result = await runCliInMemory(['compile', resolve(golden, 'codewhale-minimal.json'), '--hashes']);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1]).toBe('scan 95357aeb43a2bf1b4ca643d5437c8b656a7dae678acf4f7fed7213079d5acbe9');
    expect(lines[2]).toMatch(/^summarize [0-9a-f]{64}$/);
  });

  it('rejects an unknown --format as a usage error', async () => {
    const result = await runCliInMemory(['compile', resolve(golden, 'codewhale-minimal.json'), '--format', 'toml']);
    expect(result.exitCode).toBe(2);
  });
});
