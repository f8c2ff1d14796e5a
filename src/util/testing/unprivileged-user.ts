// Test support: a child process that file permissions apply to. Root ignores a chmod-ed
// directory, so when the tests run as root (CI containers do) the child runs as `nobody`.
import { spawnSync } from 'node:child_process';

/** The command prefix that runs a program without root, or why none is available. */
export type UnprivilegedRunner =
  | { readonly available: true; readonly prefix: readonly string[]; readonly asNobody: boolean }
  | { readonly available: false; readonly skipReason: string };

const NOBODY = 65534;

export function unprivilegedRunner(environment: NodeJS.ProcessEnv = process.env): UnprivilegedRunner {
  if (process.getuid?.() !== 0) return { available: true, prefix: [], asNobody: false };
  const prefix = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'];
  const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return { available: true, prefix, asNobody: true };
  const skipReason = 'the tests run as root and `setpriv` (util-linux) cannot drop to nobody, so a read-only directory cannot be made';
  if (environment['CI']) throw new Error(`${skipReason}; CI is set, so this is a failure, not a skip`);
  console.log(`skipped: ${skipReason}`);
  return { available: false, skipReason };
}
