import { spawnSync } from 'node:child_process';

export interface BubblewrapProbe {
  readonly available: boolean;
  /** Why it cannot be used, for the refusal message. */
  readonly reason?: string;
}

const probes = new Map<string, BubblewrapProbe>();

/**
 * Whether bwrap is installed AND can create its namespaces here (a container may forbid them):
 * it runs `true` under the same kind of mounts a command gets. Asked once per process.
 */
export function detectBubblewrap(command = 'bwrap'): BubblewrapProbe {
  let probe = probes.get(command);
  if (!probe) {
    probe = probeBubblewrap(command);
    probes.set(command, probe);
  }
  return probe;
}

function probeBubblewrap(command: string): BubblewrapProbe {
  const result = spawnSync(command, ['--die-with-parent', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', 'true'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return { available: false, reason: code === 'ENOENT' ? `${command} is not installed` : `${command} cannot start (${code ?? result.error.message})` };
  }
  if (result.status !== 0) return { available: false, reason: `${command} cannot create its sandbox here: ${(result.stderr ?? '').trim() || `exit ${result.status}`}` };
  return { available: true };
}
