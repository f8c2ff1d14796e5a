import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectTracePath } from './project-trace-location.js';

describe('projectTracePath', () => {
  const root = mkdtempSync(join(tmpdir(), 'whaleflow-location-'));
  mkdirSync(join(root, '.whaleflow'));
  mkdirSync(join(root, 'deep', 'er'), { recursive: true });

  it('prefers --db, then WHALEFLOW_HOME, then the nearest .whaleflow upward', () => {
    const cwd = join(root, 'deep', 'er');
    expect(projectTracePath({ cwd, env: { WHALEFLOW_HOME: '/elsewhere' }, databasePath: 'my.db' })).toBe(join(cwd, 'my.db'));
    expect(projectTracePath({ cwd, env: { WHALEFLOW_HOME: '/elsewhere' } })).toBe('/elsewhere/whaleflow.db');
    expect(projectTracePath({ cwd, env: {} })).toBe(join(root, '.whaleflow', 'whaleflow.db'));
  });

  it('falls back to cwd/.whaleflow', () => {
    const bare = mkdtempSync(join(tmpdir(), 'whaleflow-bare-'));
    expect(projectTracePath({ cwd: bare, env: {} })).toBe(join(bare, '.whaleflow', 'whaleflow.db'));
  });
});
