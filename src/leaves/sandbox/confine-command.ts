import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EffectivePermissions } from '../../engine/index.js';
import type { Workspace } from '../workspace/index.js';
import type { CommandConfinement } from './command-sandbox.js';

/**
 * Credential stores under the home directory: read-only is not enough, a command must not read
 * them at all (an SSH key, a cloud token, a registry token in ~/.npmrc).
 */
const CREDENTIAL_STORES = [
  '.ssh',
  '.gnupg',
  '.aws',
  '.azure',
  '.kube',
  '.docker',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.config/gcloud',
  '.config/gh',
  '.config/hub',
  '.cargo/credentials',
  '.cargo/credentials.toml',
];

export interface ConfineOptions {
  /** WhaleFlow's state wherever it is (absolute); always hidden from commands. */
  readonly protectedPaths: readonly string[];
  /** The user's home, whose credential stores are hidden. */
  readonly home?: string;
}

/**
 * What a leaf's command may touch, from its workspace and effective permissions: the workspace
 * is writable only when the leaf may write (its own worktree, or the working tree under
 * --allow-write-tree); under --read-only, or for a read-only leaf, nothing but a private /tmp
 * is writable; the network only when granted.
 */
export function confineCommand(workspace: Workspace, permissions: EffectivePermissions, options: ConfineOptions): CommandConfinement {
  const home = options.home;
  return {
    workspaceRoot: workspace.root,
    ...(permissions.allowWrite ? { writableRoot: workspace.root } : {}),
    readableRoots: [repositoryTop(workspace.sourceRoot)],
    network: permissions.allowNetwork,
    hiddenPaths: [...options.protectedPaths, ...workspace.protectedPaths, ...(home ? CREDENTIAL_STORES.map((store) => join(home, store)) : [])],
  };
}

/** The nearest directory upward holding `.git` (so git works in the command), else the directory itself. */
function repositoryTop(directory: string): string {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return directory;
  }
}
