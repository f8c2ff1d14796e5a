import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from './embedded-default-config.js';
import { ConfigNotFoundError, loadConfig, locateConfigFile } from './load-config.js';

const projectYaml = 'providers:\n  mock: { kind: mock }\n';

describe('loadConfig', () => {
  it('falls back to the embedded mock defaults when no file exists', () => {
    const home = mkdtempSync(join(tmpdir(), 'wf-home-'));
    const project = mkdtempSync(join(tmpdir(), 'wf-project-'));
    expect(loadConfig({ cwd: project, env: { HOME: home } })).toBe(embeddedDefaultConfig);
  });

  it('prefers WHALEFLOW_CONFIG, then the project file, then the user file', () => {
    const home = mkdtempSync(join(tmpdir(), 'wf-home-'));
    const project = mkdtempSync(join(tmpdir(), 'wf-project-'));
    mkdirSync(join(home, '.config', 'whaleflow'), { recursive: true });
    writeFileSync(join(home, '.config', 'whaleflow', 'config.yaml'), projectYaml);
    expect(locateConfigFile({ cwd: project, env: { HOME: home } })).toBe(join(home, '.config', 'whaleflow', 'config.yaml'));
    writeFileSync(join(project, 'whaleflow.config.yaml'), projectYaml);
    expect(locateConfigFile({ cwd: project, env: { HOME: home } })).toBe(join(project, 'whaleflow.config.yaml'));
    writeFileSync(join(project, 'other.yaml'), projectYaml);
    expect(locateConfigFile({ cwd: project, env: { HOME: home, WHALEFLOW_CONFIG: 'other.yaml' } })).toBe(join(project, 'other.yaml'));
    expect(loadConfig({ cwd: project, env: { HOME: home } }).sourceFile).toBe(join(project, 'whaleflow.config.yaml'));
  });

  it('fails clearly when WHALEFLOW_CONFIG names a missing file', () => {
    expect(() => locateConfigFile({ cwd: tmpdir(), env: { WHALEFLOW_CONFIG: 'nope.yaml' } })).toThrow(ConfigNotFoundError);
  });
});
