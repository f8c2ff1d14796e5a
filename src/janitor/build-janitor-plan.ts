import type Database from 'better-sqlite3';
import type { WhaleflowConfig } from '../config/index.js';
import { evidenceRunsOfPromoted, LearningStore, readRepositoryState } from '../learning/index.js';
import { readMemoInventory, readMemoStorage } from '../memo/index.js';
import type { PidChecker } from '../runs/index.js';
import type { SqliteTraceStore } from '../trace/index.js';
import { readDatabaseFacts } from './database-facts.js';
import type { JanitorPlan, MemoryRemoval, VacuumPlan } from './janitor-plan.js';
import { JanitorRecords } from './janitor-records.js';
import { currentRouteScopes, planMemo } from './plan-memo.js';
import { planLessons, type LessonPlan } from './plan-lessons.js';
import { keptRuns, planCapDeletions, planCompaction, type RunProtection } from './plan-runs.js';
import { planWorktrees } from './plan-worktrees.js';
import { readRunInventory, type RunInventory } from './run-inventory.js';

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface JanitorInput {
  readonly trace: SqliteTraceStore;
  readonly config: WhaleflowConfig;
  /** The repository's top level (worktrees, lessons scoped to paths); null outside a git repository. */
  readonly repositoryRoot: string | null;
  readonly now: number;
  readonly isPidAlive?: PidChecker;
}

export function hasTable(database: Database.Database, name: string): boolean {
  return database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/**
 * The learning store over the trace's own connection, when the project has lessons: reading it
 * never writes (a dry run must leave the file as it was), and the janitor's lesson changes go
 * through the same connection as its records.
 */
export function learningStoreOf(input: JanitorInput): LearningStore | undefined {
  if (!hasTable(input.trace.database, 'learning_lessons')) return undefined;
  return new LearningStore(input.trace.database, () => input.now);
}

/** What a pass would do now. Reads only: a dry run prints it, an applied pass carries it out. */
export async function buildJanitorPlan(input: JanitorInput): Promise<JanitorPlan & { readonly inventory: RunInventory }> {
  const settings = input.config.janitor;
  const database = input.trace.database;
  const facts = readDatabaseFacts(database, input.trace.path);
  const notes: string[] = [];
  const records = JanitorRecords.read(database);
  const inventory = readRunInventory(input.trace, { now: input.now, ...(input.isPidAlive ? { isPidAlive: input.isPidAlive } : {}) });

  const learning = learningStoreOf(input);
  const lessons = await planLessonChanges(input, learning, notes);
  const protection: RunProtection = {
    pinned: records.pinnedRunIds(),
    evidence: learning ? evidenceRunsOfPromoted(learning) : new Set(),
    compacted: records.compactedRunIds(),
  };

  const memoBefore = readMemoStorage(database);
  const memo = planMemo(readMemoInventory(database), settings.memo, currentRouteScopes(input.config), input.now);
  const compact = planCompaction(input.trace, inventory, protection, settings, input.now);
  const memoFreed = memo.evict.reduce((sum, change) => sum + change.bytes, 0);
  const compactionFreed = new Map(compact.map((run) => [run.runId, run.freedBytes]));
  const compactedBytes = compact.reduce((sum, run) => sum + Math.max(0, run.freedBytes), 0);
  const afterOthers = facts.usedBytes - memoFreed - compactedBytes;
  const cap = planCapDeletions(inventory, protection, settings, afterOthers, compactionFreed);
  notes.push(...cap.notes);

  const memory = planMemory(input, notes);
  const worktrees = settings.orphanedWorktrees && input.repositoryRoot !== null ? planWorktrees(input.repositoryRoot, inventory, input.now) : [];
  const freedByPass = facts.usedBytes - cap.projectedBytes + memory.reduce((sum, removal) => sum + removal.bytes, 0);
  return {
    at: input.now,
    settings,
    database: facts,
    capBytes: settings.maxDatabaseMb > 0 ? settings.maxDatabaseMb * MIB : null,
    projectedBytes: Math.max(0, facts.usedBytes - freedByPass),
    memo: { before: memoBefore, stale: memo.stale, evict: memo.evict },
    lessons,
    runs: { compact, delete: cap.deletions },
    memory,
    worktrees,
    vacuum: planVacuum(facts.autoVacuum, facts.freeBytes, freedByPass, inventory),
    kept: keptRuns(inventory, protection, settings, input.now),
    notes,
    inventory,
  };
}

async function planLessonChanges(input: JanitorInput, learning: LearningStore | undefined, notes: string[]): Promise<LessonPlan> {
  if (!learning) return { stale: [], demote: [], purge: [] };
  if (input.repositoryRoot === null) notes.push('lessons scoped to paths are not checked for staleness: not inside a git repository');
  const repository = await readRepositoryState(input.repositoryRoot ?? process.cwd());
  const settings = input.config.janitor.lessons;
  return planLessons({
    store: learning,
    trace: input.trace,
    repository,
    settings,
    rejectedRetentionDays: settings.rejectedRetentionDays ?? input.config.learning.retentionDays,
    now: input.now,
  });
}

/** Unpinned memory contexts of any repository not loaded for `memory_max_age_days` (0: none). */
function planMemory(input: JanitorInput, notes: string[]): MemoryRemoval[] {
  const days = input.config.janitor.memoryMaxAgeDays;
  const database = input.trace.database;
  if (days <= 0 || !hasTable(database, 'memory_contexts')) return [];
  const cutoff = input.now - days * DAY_MS;
  try {
    const rows = database
      .prepare<[number], { repository: string; name: string; updated_at: number; bytes: number }>(
        `SELECT c.repository, c.name, c.updated_at, COALESCE(t.bytes, 0) AS bytes
         FROM memory_contexts c LEFT JOIN memory_texts t ON t.hash = c.hash
         WHERE c.pinned = 0 AND c.updated_at < ? ORDER BY c.updated_at`,
      )
      .all(cutoff);
    return rows.map((row) => ({ repository: row.repository, name: row.name, updatedAt: row.updated_at, bytes: row.bytes, reason: `not loaded for over ${days} day(s) (janitor.memory_max_age_days)` }));
  } catch (error) {
    notes.push(`memory contexts not checked: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/**
 * How freed pages go back to the file system. A database made before incremental auto-vacuum
 * needs one full VACUUM to convert; that rewrites the whole file, so it waits for a moment no
 * run is alive and for something worth returning.
 */
function planVacuum(mode: 'none' | 'full' | 'incremental', freeBytes: number, freedByPass: number, inventory: RunInventory): VacuumPlan {
  const expectedBytes = freeBytes + Math.max(0, freedByPass);
  if (expectedBytes === 0) return { step: { kind: 'none', reason: 'no free pages' }, expectedBytes: 0 };
  if (mode === 'incremental') return { step: { kind: 'incremental' }, expectedBytes };
  if (mode === 'full') return { step: { kind: 'none', reason: 'auto_vacuum = FULL returns pages at every commit' }, expectedBytes: freeBytes };
  const alive = [...inventory.chains.values()].some((chain) => chain.alive);
  if (alive) return { step: { kind: 'deferred', reason: 'converting to incremental vacuum rewrites the file; deferred while a run is alive' }, expectedBytes: 0 };
  return { step: { kind: 'convert' }, expectedBytes };
}
