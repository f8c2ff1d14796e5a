import type { JanitorConfig } from '../config/index.js';
import type { MemoStorage } from '../memo/index.js';
import type { DatabaseFacts } from './database-facts.js';

/** A memo entry to mark stale or to evict, and why. */
export interface MemoChange {
  readonly key: string;
  readonly bytes: number;
  readonly reason: string;
}

/** A lesson to mark stale, demote or purge, and why (with the figures that decided it). */
export interface LessonChange {
  readonly lessonId: string;
  readonly title: string;
  readonly reason: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface RunCompaction {
  readonly runId: string;
  readonly chainRoot: string;
  readonly label: string;
  readonly finishedAt: number;
  /** What the database holds less afterwards (trace/estimateCompaction). */
  readonly freedBytes: number;
  readonly removedEvents: number;
  readonly movedToBlobs: number;
}

/** A resume chain (a run and its resumes) deleted as one, to bring the database under its cap. */
export interface ChainDeletion {
  readonly chainRoot: string;
  /** Oldest first. */
  readonly runIds: readonly string[];
  readonly label: string;
  /** The chain's outcome: its newest run's status. */
  readonly status: string;
  readonly finishedAt: number;
  /** Event payloads plus the blobs no remaining run references. */
  readonly freedBytes: number;
  readonly reason: string;
}

export interface MemoryRemoval {
  readonly repository: string;
  readonly name: string;
  readonly updatedAt: number;
  readonly bytes: number;
  readonly reason: string;
}

export interface WorktreeRemoval {
  readonly path: string;
  readonly runId: string | null;
  /** Registered with git (else a leftover directory). */
  readonly registered: boolean;
  readonly reason: string;
}

/** How the pass returns freed pages to the file system. */
export type VacuumStep =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'incremental' }
  /** The database frees pages only with a full VACUUM until converted; done once, with no run alive. */
  | { readonly kind: 'convert' }
  | { readonly kind: 'deferred'; readonly reason: string };

export interface VacuumPlan {
  readonly step: VacuumStep;
  /** Bytes the file is expected to shrink by (free pages now plus what the pass frees, as pages). */
  readonly expectedBytes: number;
}

/** Runs a pass leaves alone, by why. */
export interface KeptRuns {
  readonly alive: number;
  readonly pinned: number;
  readonly evidence: number;
  /** Finished but not successful (failed, cancelled, budget exceeded, diverged) or interrupted: kept whole. */
  readonly unsuccessful: number;
  /** Successful, but finished too recently to compact. */
  readonly recent: number;
  readonly compacted: number;
}

/**
 * What one pass does, worked out from the database as it is: a dry run prints it, an applied
 * pass works through it (re-checking each step under the locks) and records what it did.
 */
export interface JanitorPlan {
  readonly at: number;
  readonly settings: JanitorConfig;
  readonly database: DatabaseFacts;
  /** The cap in bytes, or null for none. */
  readonly capBytes: number | null;
  /** What the file is expected to hold after the pass (pages in use). */
  readonly projectedBytes: number;
  readonly memo: { readonly before: MemoStorage; readonly stale: readonly MemoChange[]; readonly evict: readonly MemoChange[] };
  readonly lessons: {
    readonly stale: readonly LessonChange[];
    readonly demote: readonly LessonChange[];
    readonly purge: readonly LessonChange[];
  };
  readonly runs: { readonly compact: readonly RunCompaction[]; readonly delete: readonly ChainDeletion[] };
  readonly memory: readonly MemoryRemoval[];
  readonly worktrees: readonly WorktreeRemoval[];
  readonly vacuum: VacuumPlan;
  readonly kept: KeptRuns;
  /** Things the user should know (a cap that cannot be met, a policy skipped and why). */
  readonly notes: readonly string[];
}
