import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { PROTECTED_STATE_NAMES } from '../../util/index.js';
import type { CommandConfinement } from './command-sandbox.js';

/**
 * The bwrap command line for one confined command. Mounts are applied in order, so the order
 * is the policy:
 * 1. the whole file system read-only, a fresh /dev and /proc, a private /tmp;
 * 2. the repository the workspace belongs to, read-only again (it may live under /tmp);
 * 3. WhaleFlow's state, the configuration and credential stores hidden (an empty tmpfs over a
 *    directory, /dev/null over a file);
 * 4. the writable root bound read-write (or the workspace re-exposed read-only, when it sits
 *    inside a hidden directory, as worktrees under `.whaleflow/` do);
 * 5. WhaleFlow's state inside that root hidden again (a `.whaleflow/`, `whaleflow.config.yaml`
 *    or a hidden path the binding of step 4 would otherwise reveal).
 * Namespaces: a new PID namespace (when bwrap dies, every process of the command dies with it),
 * IPC, UTS and cgroup; the network namespace too unless the leaf was granted the network (then
 * only loopback exists). `--die-with-parent` ties bwrap to WhaleFlow; `--new-session` keeps the
 * command away from any controlling terminal.
 */
export function bubblewrapArguments(confinement: CommandConfinement, command: string): string[] {
  const args = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  if (!confinement.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp');
  for (const root of confinement.readableRoots) if (existsSync(root)) args.push('--ro-bind', root, root);
  args.push(...hide(confinement.hiddenPaths));
  const exposed = confinement.writableRoot ?? confinement.workspaceRoot;
  args.push(confinement.writableRoot ? '--bind' : '--ro-bind', exposed, exposed);
  const stateInside = [...PROTECTED_STATE_NAMES].filter((name) => name !== '.git').map((name) => join(exposed, name));
  args.push(...hide([...stateInside, ...confinement.hiddenPaths.filter((path) => isStrictlyInside(exposed, path))]));
  args.push('--chdir', confinement.workspaceRoot, '/bin/sh', '-c', command);
  return args;
}

function isStrictlyInside(directory: string, path: string): boolean {
  const fromDirectory = relative(directory, path);
  return fromDirectory !== '' && !fromDirectory.startsWith('..') && !isAbsolute(fromDirectory);
}

/** Mounts that make each existing path invisible; a missing path needs none. */
function hide(paths: readonly string[]): string[] {
  const args: string[] = [];
  for (const path of paths) {
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch {
      continue;
    }
    args.push(...(directory ? ['--tmpfs', path] : ['--ro-bind', '/dev/null', path]));
  }
  return args;
}
