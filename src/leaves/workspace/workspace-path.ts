import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { matchesGlob, touchesProtectedState } from '../../util/index.js';
import { PathOutsideWorkspaceError } from './workspace-errors.js';

export interface WorkspacePath {
  readonly absolute: string;
  /** Relative to the workspace root, with `/` separators ('.' for the root itself). */
  readonly relative: string;
}

/**
 * Resolves a path a leaf asked for, refusing anything that would leave the workspace: `..`,
 * absolute paths elsewhere and symlinks pointing outside (checked on the real path of the
 * file, or of its nearest existing ancestor for a file about to be created). git's and
 * WhaleFlow's own state is refused too, by name (`.git`, `.whaleflow`, `whaleflow.config.yaml`
 * as any segment, before and after symlinks) and by location (`protectedPaths`: the trace
 * database's directory, configuration files, wherever the user put them): a hook written in
 * `.git` would run outside any leaf, and a leaf that could write the database or the
 * configuration could erase the record or redirect the next run's API key.
 */
export function resolveWorkspacePath(root: string, requested: string, protectedPaths: readonly string[] = []): WorkspacePath {
  const lexical = isAbsolute(requested) ? resolve(requested) : resolve(root, requested);
  if (!isInside(root, lexical)) throw new PathOutsideWorkspaceError(requested, 'outside_workspace');
  if (touchesProtectedState(toPosix(relative(root, lexical)))) throw new PathOutsideWorkspaceError(requested, 'protected_state');
  const real = realOfNearestExisting(lexical);
  if (!isInside(root, real)) throw new PathOutsideWorkspaceError(requested, 'outside_workspace');
  const relativePath = toPosix(relative(root, real)) || '.';
  if (touchesProtectedState(relativePath) || isProtectedLocation(real, protectedPaths)) throw new PathOutsideWorkspaceError(requested, 'protected_state');
  return { absolute: real, relative: relativePath };
}

/** Whether an absolute (real) path is one of the protected locations or inside one. */
export function isProtectedLocation(path: string, protectedPaths: readonly string[]): boolean {
  return protectedPaths.some((location) => isInside(location, path));
}

/** Whether a workspace-relative path is inside the file scope (an empty scope allows everything). */
export function inFileScope(relativePath: string, fileScope: readonly string[]): boolean {
  if (fileScope.length === 0) return true;
  return fileScope.some((glob) => matchesGlob(relativePath, glob) || matchesGlob(relativePath, `${glob.replace(/\/$/, '')}/**`));
}

/** Resolves and checks the file scope in one step, for file tools. */
export function resolveScopedPath(root: string, requested: string, fileScope: readonly string[], protectedPaths: readonly string[] = []): WorkspacePath {
  const path = resolveWorkspacePath(root, requested, protectedPaths);
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
