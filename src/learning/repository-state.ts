import { realpath } from 'node:fs/promises';
import { runGit } from '../leaves/workspace/index.js';
import { matchesGlob, sha256Hex } from '../util/index.js';

/** Files recorded per lesson at most; beyond it the listing is kept as one digest. */
const MAX_RECORDED_FILES = 200;
/** The key under which an over-large scope's listing digest is kept. */
export const SCOPE_DIGEST_KEY = '*';

/**
 * What learning needs to know about the repository: who it is (lessons never cross
 * repositories), its HEAD, and the blob id of every tracked file at HEAD — read once per
 * command, never per lesson.
 */
export interface RepositoryState {
  /** `git:<root commit>` for a repository (stable across clones), else `path:<sha256 of the directory>`. */
  readonly identity: string;
  readonly head: string | null;
  /** Repository-relative path → git blob id, at HEAD (committed state: what "main" holds). */
  readonly files: ReadonlyMap<string, string>;
}

export async function readRepositoryState(cwd: string): Promise<RepositoryState> {
  let head: string;
  try {
    head = (await runGit(cwd, ['rev-parse', '--verify', 'HEAD^{commit}'])).stdout.trim();
  } catch {
    return { identity: `path:${sha256Hex(await realpath(cwd))}`, head: null, files: new Map() };
  }
  const roots = (await runGit(cwd, ['rev-list', '--max-parents=0', 'HEAD'])).stdout.split('\n').filter(Boolean).sort();
  return { identity: `git:${roots[0] ?? head}`, head, files: await filesAt(cwd, head) };
}

/** Path → blob id of every file tracked at `commit`; empty when the commit is unknown here. */
export async function filesAt(cwd: string, commit: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  let listing: string;
  try {
    listing = (await runGit(cwd, ['ls-tree', '-r', '--full-tree', commit])).stdout;
  } catch {
    return files;
  }
  for (const line of listing.split('\n')) {
    // "<mode> <type> <object>\t<path>"
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const [, type, object] = line.slice(0, tab).split(' ');
    if (type === 'blob' && object) files.set(line.slice(tab + 1), object);
  }
  return files;
}

/** The files a scope covers at this state: path → blob id, or one digest when the scope is large. */
export function scopedFiles(state: RepositoryState, globs: readonly string[]): Record<string, string> {
  if (globs.length === 0) return {};
  const matched = [...state.files].filter(([path]) => globs.some((glob) => matchesGlob(path, glob))).sort(([a], [b]) => (a < b ? -1 : 1));
  if (matched.length <= MAX_RECORDED_FILES) return Object.fromEntries(matched);
  return { [SCOPE_DIGEST_KEY]: sha256Hex(matched.map(([path, blob]) => `${path}\u0000${blob}`).join('\n')) };
}

/**
 * The scoped files that changed since a lesson was learned (edited, deleted or added), or an
 * empty list. A lesson whose scope names no paths never goes stale this way.
 */
export function changedScopedFiles(state: RepositoryState, globs: readonly string[], recorded: Readonly<Record<string, string>>): string[] {
  if (globs.length === 0) return [];
  const now = scopedFiles(state, globs);
  const paths = new Set([...Object.keys(now), ...Object.keys(recorded)]);
  return [...paths].filter((path) => now[path] !== recorded[path]).sort();
}
