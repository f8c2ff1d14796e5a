import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = join(repository, 'bin', 'whaleflow.js');
const isBuilt = existsSync(join(repository, 'dist', 'cli', 'exit-on-broken-pipe.js'));

/** A run that prints a progress line per leaf, line by line (under the default 100-agent limit). */
function manyLeaves(count: number): string {
  const leaves = Array.from({ length: count }, (_, index) => ({ kind: 'leaf', spec: { id: `leaf-${index}`, prompt: `do ${index}` } }));
  return JSON.stringify({ id: 'many', goal: 'print a lot', nodes: [{ kind: 'sequence', spec: { id: 'all', children: leaves } }] });
}

/** Spawns the built CLI, reads its first chunk of stdout, then closes the pipe like `head -1`. */
function runAndCloseEarly(argv: readonly string[], cwd: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: cwd } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe.skipIf(!isBuilt)('a command piped into a reader that closes early (needs `npm run build`)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'whaleflow-epipe-'));
    writeFileSync(join(cwd, 'many.json'), manyLeaves(90));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('exits quietly: no crash, no stack trace, no internal-error exit code', async () => {
    const outcome = await runAndCloseEarly(['run', 'many.json'], cwd);
    expect(outcome.stderr).toBe('');
    expect(outcome.signal).toBeNull();
    expect(outcome.code).toBe(0);
  });
});
