import type Database from 'better-sqlite3';
import type { RunSummary, TraceStore } from '../trace/index.js';
import { assertResumable } from './assert-resumable.js';
import { chainRootOf, resumeTarget } from './resume-target.js';
import { RunLocks, runLockKey, type RunLock, type RunLocksOptions } from './run-locks.js';

/** A resume allowed to start: the run it continues from, the runs it skipped to get there, and its lock. */
export interface ResumeClaim {
  readonly target: RunSummary;
  /** Runs already resumed before: the resume continues from their newest resume instead. */
  readonly skipped: readonly RunSummary[];
  /** Held until the resume ends (release it); dies with the process if it does not. */
  readonly lock: RunLock;
}

export interface ClaimResumeOptions {
  /** The id the new resume will run under (shown to a second resume that is refused). */
  readonly resumeRunId: string;
  readonly now: number;
  /** Skip the liveness check of the run, and take over a lock held from another host. */
  readonly force?: boolean;
  readonly locks?: RunLocksOptions;
}

/**
 * Everything that must hold before a resume starts, decided under the chain's lock (so a
 * resume that finished a moment ago is seen, and a second resume waits its turn or is
 * refused): one resume at a time per run chain, never a succeeded run or one a resume already
 * finished, continued from the newest resume, never a run whose process is still at work.
 */
export function claimResume(store: TraceStore, database: Database.Database, run: RunSummary, options: ClaimResumeOptions): ResumeClaim {
  const lock = new RunLocks(database, options.locks).acquire(runLockKey(chainRootOf(store, run)), 'resume', {
    detail: `as run ${options.resumeRunId}`,
    ...(options.force ? { force: true } : {}),
  });
  try {
    const { target, skipped } = resumeTarget(store, run);
    if (!options.force) assertResumable(store, target, { now: options.now, ...(options.locks?.isPidAlive ? { isPidAlive: options.locks.isPidAlive } : {}) });
    return { target, skipped, lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}
