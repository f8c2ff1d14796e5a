import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isProtectedStateName } from '../../util/index.js';
import { inFileScope, isProtectedLocation } from './workspace-path.js';

/** Directories walks skip as noise (dependencies); git's and WhaleFlow's own state is skipped as protected. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules']);

export interface WalkOptions {
  readonly fileScope: readonly string[];
  /** Stop after this many files. */
  readonly limit: number;
  /** Absolute locations never listed (WhaleFlow's state wherever the user put it). */
  readonly protectedPaths?: readonly string[];
}

/**
 * Files under `root/start` (workspace-relative, `/`-separated, sorted so every walk gives the
 * same order), inside the file scope. Symlinks are not followed: a link out of the workspace
 * must not widen what a leaf can see. git's and WhaleFlow's own state is never listed.
 */
export async function walkFiles(root: string, start: string, options: WalkOptions): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const pending: string[] = [start === '.' ? '' : start];
  while (pending.length > 0) {
    const directory = pending.shift()!;
    const entries = await readdir(join(root, directory), { withFileTypes: true }).catch(() => []);
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    const subdirectories: string[] = [];
    for (const entry of entries) {
      const path = directory === '' ? entry.name : `${directory}/${entry.name}`;
      if (isProtectedStateName(entry.name) || isProtectedLocation(join(root, path), options.protectedPaths ?? [])) continue;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirectories.push(path);
      } else if (entry.isFile() && inFileScope(path, options.fileScope)) {
        if (files.length >= options.limit) return { files, truncated: true };
        files.push(path);
      }
    }
    pending.unshift(...subdirectories);
  }
  return { files, truncated: false };
}
