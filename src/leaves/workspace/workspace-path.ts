import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { matchesGlob } from '../../util/index.js';
import { PathOutsideWorkspaceError } from './workspace-errors.js';

export interface WorkspacePath {
  readonly absolute: string;
  /** Relative to the workspace root, with `/` separators ('.' for the root itself). */
  readonly relative: string;
}

/**
 * Resolves a path a leaf asked for, refusing anything that would leave the workspace: `..`,
 * absolute paths elsewhere and symlinks pointing outside (checked on the real path of the
 * file, or of its nearest existing ancestor for a file about to be created). Paths inside
 * `.git` are refused too: a hook written there would run outside any leaf.
 */
export function resolveWorkspacePath(root: string, requested: string): WorkspacePath {
  const lexical = isAbsolute(requested) ? resolve(requested) : resolve(root, requested);
  if (!isInside(root, lexical)) throw new PathOutsideWorkspaceError(requested, 'outside_workspace');
  const real = realOfNearestExisting(lexical);
  if (!isInside(root, real)) throw new PathOutsideWorkspaceError(requested, 'outside_workspace');
  const relativePath = toPosix(relative(root, real)) || '.';
  if (relativePath.split('/').includes('.git')) throw new PathOutsideWorkspaceError(requested, 'outside_workspace');
  return { absolute: real, relative: relativePath };
}

/** Whether a workspace-relative path is inside the file scope (an empty scope allows everything). */
export function inFileScope(relativePath: string, fileScope: readonly string[]): boolean {
  if (fileScope.length === 0) return true;
  return fileScope.some((glob) => matchesGlob(relativePath, glob) || matchesGlob(relativePath, `${glob.replace(/\/$/, '')}/**`));
}

/** Resolves and checks the file scope in one step, for file tools. */
export function resolveScopedPath(root: string, requested: string, fileScope: readonly string[]): WorkspacePath {
  const path = resolveWorkspacePath(root, requested);
  if (path.relative !== '.' && !inFileScope(path.relative, fileScope)) throw new PathOutsideWorkspaceError(requested, 'outside_file_scope');
  return path;
}

export function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === '' || (!fromRoot.startsWith(`..${sep}`) && fromRoot !== '..' && !isAbsolute(fromRoot));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the missing rest. */
function realOfNearestExisting(path: string): string {
  let existing = path;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(existing);
      return missing.length === 0 ? real : resolve(real, ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      missing.push(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      existing = parent;
    }
  }
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
