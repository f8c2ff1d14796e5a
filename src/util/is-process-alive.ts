import { readFileSync } from 'node:fs';

/**
 * Signal 0 probes a pid without touching it: ESRCH means gone, EPERM means alive but not
 * ours. A detached process whose parent shell exited is reparented; if nothing reaps it after a
 * kill it lingers as a zombie, which signal 0 still finds, so on Linux /proc is asked too.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) STATE …"; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
