import { globCovers, hasWildcard } from '../util/index.js';

/**
 * Whether two path globs may match a common path, judged generously (a lesson about `src/**`
 * concerns a leaf scoped to `src/greet.ts`): one covers the other, or the literal part of one
 * (up to its first wildcard) is a prefix of the other's.
 */
export function globsMayOverlap(left: string, right: string): boolean {
  if (globCovers(left, right) || globCovers(right, left)) return true;
  const leftBase = literalPrefix(left);
  const rightBase = literalPrefix(right);
  if (!hasWildcard(left) && !hasWildcard(right)) return left === right;
  return leftBase.startsWith(rightBase) || rightBase.startsWith(leftBase);
}

function literalPrefix(glob: string): string {
  const wildcard = glob.search(/[*?]/);
  return wildcard < 0 ? glob : glob.slice(0, wildcard);
}

/** Whether a leaf with `fileScope` (empty: the whole workspace) may touch any of `lessonPaths` (empty: anywhere). */
export function scopesMayOverlap(fileScope: readonly string[], lessonPaths: readonly string[]): boolean {
  if (fileScope.length === 0 || lessonPaths.length === 0) return true;
  return fileScope.some((scope) => lessonPaths.some((path) => globsMayOverlap(scope, path)));
}
