import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Names that are git's or WhaleFlow's own state wherever they appear in a path: the
 * repository (`.git`), WhaleFlow's state directory (`.whaleflow`: trace database, logs,
 * worktrees, memo) and the project configuration (`whaleflow.config.yaml`, in whichever
 * directory a run may start from). No leaf may list, read or write them, by tool or command.
 */
export const PROTECTED_STATE_NAMES: ReadonlySet<string> = new Set(['.git', '.whaleflow', 'whaleflow.config.yaml']);

/** Whether one path segment is a protected name (compared case-insensitively: some file systems are). */
export function isProtectedStateName(segment: string): boolean {
  return PROTECTED_STATE_NAMES.has(segment.toLowerCase());
}

/** Whether a relative `/`-separated path has a protected name as any of its segments. */
export function touchesProtectedState(relativePath: string): boolean {
  return relativePath.split('/').some(isProtectedStateName);
}

/**
 * Creates WhaleFlow's state directory (if needed) with a `.gitignore` that ignores everything in
 * it, itself included, so `git add -A` never commits a database, a log or a worktree. Best
 * effort: a directory that cannot be created or written is reported by whoever opens the
 * database in it, with a clear message, not here.
 */
export function ensureStateDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, '.gitignore'), '# WhaleFlow state: never commit it\n*\n', { flag: 'wx' });
  } catch {
    // exists already, or not writable: see above
  }
}
