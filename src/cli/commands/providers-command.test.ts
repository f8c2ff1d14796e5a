import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInMemory } from '../run-cli-in-memory.js';

const config = `
providers:
  mock: { kind: mock }
  remote: { kind: openai-compatible, base_url: http://127.0.0.1:9/v1, api_key_env: REMOTE_TEST_KEY }
models:
  - { provider: mock, model: mock-default, capabilities: { tool_calls: true } }
  - { provider: remote, model: r1, capabilities: { tool_calls: true } }
roles:
  implementer: { primary: remote/r1 }
  default: { primary: mock/mock-default }
`;

describe('whaleflow providers', () => {
  it('routes every role to the mock with no config file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-providers-'));
    const result = await runCliInMemory(['providers'], { cwd, env: { HOME: cwd } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('embedded defaults');
    expect(result.stdout).toMatch(/implementer\s+→ mock\/mock-default\s+\[role_default\]/);
  });

  it('says whether each key is present without ever printing it', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-providers-'));
    writeFileSync(join(cwd, 'whaleflow.config.yaml'), config);
    const missing = await runCliInMemory(['providers'], { cwd, env: { HOME: cwd } });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain('REMOTE_TEST_KEY missing');
    expect(missing.stdout).toMatch(/implementer\s+→ remote\/r1\s+\[primary\]\s+\(key REMOTE_TEST_KEY missing\)/);

    const present = await runCliInMemory(['providers'], { cwd, env: { HOME: cwd, REMOTE_TEST_KEY: 'sk-very-secret' } });
    expect(present.exitCode).toBe(0);
    expect(present.stdout).toContain('REMOTE_TEST_KEY present');
    expect(present.stdout + present.stderr).not.toContain('sk-very-secret');
  });

  it('reports a broken config file with positions', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wf-providers-'));
    writeFileSync(join(cwd, 'whaleflow.config.yaml'), 'providers:\n  x:\n    kind: mock\n    api_key: sk-leak\n');
    const result = await runCliInMemory(['providers'], { cwd, env: { HOME: cwd } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/whaleflow\.config\.yaml:4:5: providers\.x\.api_key: API keys are never read/);
    expect(result.stderr).not.toContain('sk-leak');
  });
});
