import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathOutsideWorkspaceError } from './workspace-errors.js';
import { inFileScope, resolveScopedPath, resolveWorkspacePath } from './workspace-path.js';

describe('resolveWorkspacePath', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'wf-root-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'wf-outside-')));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'a.ts'), 'a');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link-to-secret'));
    symlinkSync(outside, join(root, 'link-to-dir'));
    symlinkSync(join(root, 'src', 'a.ts'), join(root, 'inner-link'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('resolves paths inside the workspace, existing or not', () => {
    expect(resolveWorkspacePath(root, 'src/a.ts').relative).toBe('src/a.ts');
    expect(resolveWorkspacePath(root, './src/../src/a.ts').relative).toBe('src/a.ts');
    expect(resolveWorkspacePath(root, 'src/new/deep.ts').relative).toBe('src/new/deep.ts');
    expect(resolveWorkspacePath(root, join(root, 'src/a.ts')).relative).toBe('src/a.ts');
    expect(resolveWorkspacePath(root, '.').relative).toBe('.');
    expect(resolveWorkspacePath(root, 'inner-link').relative).toBe('src/a.ts');
  });

  it.each(['../x', 'src/../../x', '/etc/passwd', 'link-to-secret', 'link-to-dir/secret.txt', 'link-to-dir/new-file', '.git/hooks/pre-commit'])(
    'refuses %s',
    (requested) => {
      expect(() => resolveWorkspacePath(root, requested)).toThrow(PathOutsideWorkspaceError);
    },
  );

  it('confines to the file scope', () => {
    expect(resolveScopedPath(root, 'src/a.ts', ['src/**']).relative).toBe('src/a.ts');
    expect(() => resolveScopedPath(root, 'README.md', ['src/**'])).toThrow(/outside the leaf's file_scope/);
    expect(inFileScope('src/x/y.ts', ['src'])).toBe(true);
    expect(inFileScope('srcx/y.ts', ['src'])).toBe(false);
    expect(inFileScope('anything', [])).toBe(true);
  });
});
