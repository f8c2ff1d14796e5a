import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirectories } from './make-directories.js';

const root = mkdtempSync(join(tmpdir(), 'whaleflow-make-directories-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('makeDirectories', () => {
  it('makes every missing directory of the path, and accepts one that exists', () => {
    const nested = join(root, 'a', 'b', '.whaleflow');
    makeDirectories(nested);
    makeDirectories(nested);
    expect(existsSync(nested)).toBe(true);
  });

  it('says a file is in the way (ENOTDIR), not that something is missing', () => {
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeDirectories(join(root, 'file', 'sub', 'deeper'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});

/** A read-only tmpfs under `root`, when this process may mount one (root on Linux); else the reason it may not. */
function readOnlyMount(): { path: string } | { reason: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { reason: 'mounting a read-only file system needs root on Linux' };
  const path = join(root, 'read-only');
  mkdirSync(path);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', path], { stdio: 'pipe' });
    return { path };
  } catch (error) {
    return { reason: `mount refused: ${String((error as Error).message).split('\n')[0]}` };
  }
}

const mount = readOnlyMount();
if ('reason' in mount) console.log(`skipping the read-only file system case: ${mount.reason}`);

describe.skipIf('reason' in mount)('makeDirectories on a read-only file system', () => {
  afterAll(() => {
    if ('path' in mount) execFileSync('umount', [mount.path]);
  });

  it('reports EROFS, which Node 20 recursive mkdir reports as ENOENT', () => {
    const path = 'path' in mount ? mount.path : '';
    expect(() => makeDirectories(join(path, 'project', '.whaleflow'))).toThrow(expect.objectContaining({ code: 'EROFS' }));
  });
});
