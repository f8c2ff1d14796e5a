import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { migrateComponentSchema, WhaleflowError, type ComponentMigration } from '../util/index.js';
import { isProcessAlive, type PidChecker } from './run-liveness.js';

/** The component name under which the lock table is versioned (util/component-schema). */
export const RUN_LOCKS_COMPONENT = 'runs';

const RUN_LOCK_MIGRATIONS: readonly ComponentMigration[] = [
  {
    version: 1,
    description: 'run locks: one holder per key, with what identifies its process',
    up: (database) =>
      database.exec(`
        CREATE TABLE run_locks (
          key TEXT PRIMARY KEY,
          purpose TEXT NOT NULL,
          detail TEXT,
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          process_start TEXT,
          acquired_at INTEGER NOT NULL
        )`),
  },
];

/** Who holds a lock: enough to tell whether that process still exists. */
export interface LockHolder {
  readonly purpose: string;
  /** What the holder is doing, for the refusal message (e.g. the resumed run's id). */
  readonly detail: string | null;
  readonly pid: number;
  readonly host: string;
  /** The process's start time as the OS records it (Linux /proc), so a reused pid is not mistaken for the holder. */
  readonly processStart: string | null;
  readonly acquiredAt: number;
}

/** The lock is held by a live process: the caller must not proceed. */
export class RunLockHeldError extends WhaleflowError {
  override readonly name = 'RunLockHeldError';
  constructor(
    readonly key: string,
    readonly holder: LockHolder,
    readonly sameHost: boolean,
  ) {
    const doing = holder.purpose === 'resume' ? 'being resumed' : `held by ${holder.purpose}`;
    const what = holder.detail ? ` (${holder.detail})` : '';
    const where = sameHost ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
    const next = sameHost
      ? 'wait for it to finish (whaleflow ps), or stop it first'
      : 'if that process is gone, pass --force (its liveness cannot be checked from here)';
    super(`${lockSubject(key)} is ${doing} by ${where}${what} since ${new Date(holder.acquiredAt).toISOString()}; ${next}`);
  }
}

/** `run:<id>` reads as "run <id>"; other keys as themselves. */
function lockSubject(key: string): string {
  return key.startsWith('run:') ? `run ${key.slice(4)}` : key;
}

/** The lock key of a run chain (a run and the resumes of it): its first run's id. */
export function runLockKey(chainRootRunId: string): string {
  return `run:${chainRootRunId}`;
}

/** Linux's start time of a process (field 22 of /proc/PID/stat), or null where there is no /proc. */
export function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is field 3, starttime field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export interface RunLocksOptions {
  readonly pid?: number;
  readonly host?: string;
  readonly now?: () => number;
  readonly isPidAlive?: PidChecker;
  readonly processStart?: (pid: number) => string | null;
}

/** A held lock; release it when the work is done (it also dies with its process). */
export interface RunLock {
  readonly key: string;
  release(): void;
}

/**
 * Locks in the project database that die with their process: a row names the holder (pid,
 * host, process start time) and a later `acquire` replaces a row whose holder is gone (same
 * host, pid not alive or reused). Acquiring is one IMMEDIATE transaction, so two processes
 * racing for a key cannot both win. Used by `resume` (one at a time per run chain) and open to
 * the janitor, which takes the same key before it compacts or deletes a chain's runs.
 */
export class RunLocks {
  private readonly pid: number;
  private readonly host: string;
  private readonly now: () => number;
  private readonly isPidAlive: PidChecker;
  private readonly processStart: (pid: number) => string | null;

  constructor(
    private readonly database: Database.Database,
    options: RunLocksOptions = {},
  ) {
    migrateComponentSchema(database, RUN_LOCKS_COMPONENT, RUN_LOCK_MIGRATIONS);
    this.pid = options.pid ?? process.pid;
    this.host = options.host ?? hostname();
    this.now = options.now ?? Date.now;
    this.isPidAlive = options.isPidAlive ?? isProcessAlive;
    this.processStart = options.processStart ?? processStartOf;
  }

  /** The current holder of `key`, if its process is alive. */
  holder(key: string): LockHolder | undefined {
    const holder = this.read(key);
    return holder && this.isAlive(holder) ? holder : undefined;
  }

  /**
   * Takes `key` for this process, or throws RunLockHeldError naming the live holder. With
   * `force`, a holder on another host (whose liveness cannot be checked) is replaced; a live
   * holder on this host never is.
   */
  acquire(key: string, purpose: string, options: { readonly detail?: string; readonly force?: boolean } = {}): RunLock {
    const mine: LockHolder = { purpose, detail: options.detail ?? null, pid: this.pid, host: this.host, processStart: this.processStart(this.pid), acquiredAt: this.now() };
    this.database
      .transaction(() => {
        const current = this.read(key);
        if (current && this.isAlive(current) && !(options.force && current.host !== this.host)) throw new RunLockHeldError(key, current, current.host === this.host);
        this.database
          .prepare('INSERT OR REPLACE INTO run_locks (key, purpose, detail, pid, host, process_start, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(key, mine.purpose, mine.detail, mine.pid, mine.host, mine.processStart, mine.acquiredAt);
      })
      .immediate();
    let released = false;
    return {
      key,
      release: () => {
        if (released) return;
        released = true;
        this.database.prepare('DELETE FROM run_locks WHERE key = ? AND pid = ? AND host = ?').run(key, mine.pid, mine.host);
      },
    };
  }

  private read(key: string): LockHolder | undefined {
    const row = this.database
      .prepare<[string], { purpose: string; detail: string | null; pid: number; host: string; process_start: string | null; acquired_at: number }>(
        'SELECT purpose, detail, pid, host, process_start, acquired_at FROM run_locks WHERE key = ?',
      )
      .get(key);
    return row ? { purpose: row.purpose, detail: row.detail, pid: row.pid, host: row.host, processStart: row.process_start, acquiredAt: row.acquired_at } : undefined;
  }

  /** Another host's process cannot be checked, so it counts as alive. */
  private isAlive(holder: LockHolder): boolean {
    if (holder.host !== this.host) return true;
    if (!this.isPidAlive(holder.pid)) return false;
    // The pid exists; it is the holder only if it is the same process (pids are reused).
    const start = holder.processStart === null ? null : this.processStart(holder.pid);
    return holder.processStart === null || start === null || start === holder.processStart;
  }
}
