import { hostname } from 'node:os';
import { MEMO_COMPONENT, MEMO_MIGRATIONS, evictMemoEntries, markMemoEntriesStale } from '../memo/index.js';
import { demoteLesson, markLessonsStale, openLearningDatabase, purgeRejectedLessons, LearningStore } from '../learning/index.js';
import { chainRootOf, RunLockHeldError, RunLocks, runLockKey, type RunLocksOptions } from '../runs/index.js';
import { migrateComponentSchema, WhaleflowError } from '../util/index.js';
import { buildJanitorPlan, hasTable, type JanitorInput } from './build-janitor-plan.js';
import { fileSize } from './database-facts.js';
import type { JanitorPlan, MemoChange } from './janitor-plan.js';
import { JanitorRecords, type JanitorActionRecord, type JanitorSummaryRow, type RecordAction } from './janitor-records.js';
import { emptyCounts, rowsOf, type SummaryCounts } from './janitor-summary.js';
import { removeMemoryContexts } from './remove-memory-contexts.js';
import { removeWorktrees } from './remove-worktrees.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface JanitorPassOptions extends JanitorInput {
  readonly trigger: 'manual' | 'auto';
  readonly triggerRunId?: string;
  /** For tests: how lock holders are judged alive. */
  readonly locks?: RunLocksOptions;
}

/** The lock key one pass at a time holds (in the same table as the run chains' locks). */
export const JANITOR_LOCK_KEY = 'janitor';

export interface JanitorPassOutcome {
  readonly passId: number;
  readonly plan: JanitorPlan;
  readonly rows: readonly JanitorSummaryRow[];
  readonly fileBytesBefore: number;
  readonly fileBytesAfter: number;
  /** Steps that could not be done, and why (the pass went on with the others). */
  readonly problems: readonly string[];
  /** Runs left alone because a resume held their chain at the moment (the next pass gets them). */
  readonly skipped: readonly string[];
}

/** Another pass holds the janitor lock. */
export class JanitorBusyError extends WhaleflowError {
  override readonly name = 'JanitorBusyError';
  constructor(held: RunLockHeldError) {
    const holder = held.holder;
    super(`another janitor pass is in progress (pid ${holder.pid}${held.sameHost ? '' : ` on host ${holder.host}`}, since ${new Date(holder.acquiredAt).toISOString()}); try again when it finishes`, { cause: held });
  }
}

function acquirePassLock(locks: RunLocks) {
  try {
    return locks.acquire(JANITOR_LOCK_KEY, 'janitor', { detail: 'a janitor pass' });
  } catch (error) {
    if (error instanceof RunLockHeldError) throw new JanitorBusyError(error);
    throw error;
  }
}

/**
 * One applied pass: under the janitor's lock (no second janitor, no resume meanwhile), plan,
 * then carry each step out in its own transaction together with the record that explains it, so
 * a record exists exactly when its change does and `kill -9` at any moment leaves the database
 * whole (the pass reads as interrupted). Live runs are never touched: the plan leaves every
 * chain that is alive, and a run that starts during the pass is not in the plan.
 */
export async function runJanitorPass(options: JanitorPassOptions): Promise<JanitorPassOutcome> {
  const { trace, now } = options;
  trace.assertWritable();
  const locks = new RunLocks(trace.database, options.locks);
  const passLock = acquirePassLock(locks);
  try {
    const database = trace.database;
    const records = JanitorRecords.open(database);
    if (hasTable(database, 'armh_memo')) migrateComponentSchema(database, MEMO_COMPONENT, MEMO_MIGRATIONS);
    const plan = await buildJanitorPlan(options);
    const fileBytesBefore = fileSize(trace.path) + fileSize(`${trace.path}-wal`);
    const passId = records.startPass({ at: now, trigger: options.trigger, ...(options.triggerRunId ? { triggerRunId: options.triggerRunId } : {}), host: hostname(), pid: process.pid, settings: plan.settings, fileBytes: fileBytesBefore });
    const counts = emptyCounts();
    const problems: string[] = [];
    const skipped: string[] = [];
    const record = (action: Omit<JanitorActionRecord, 'passId' | 'at'>): void => records.recordAction({ ...action, passId, at: now });
    const step = async (name: string, work: () => void | Promise<void>): Promise<void> => {
      try {
        await work();
      } catch (error) {
        problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    try {
      await step('memo', () => applyMemo(options, plan, counts, record));
      await step('lessons', () => applyLessons(options, plan, counts, record));
      await step('runs', () => applyRuns(options, plan, records, passId, counts, record, locks, skipped));
      await step('memory', () => removeMemoryContexts(trace.database, plan.memory, counts, record));
      if (options.repositoryRoot !== null) {
        const root = options.repositoryRoot;
        await step('worktrees', () => removeWorktrees(root, plan.worktrees, counts, record));
      }
      await step('vacuum', () => vacuum(options, plan, counts, record));
      const fileBytesAfter = fileSize(trace.path) + fileSize(`${trace.path}-wal`);
      const rows = rowsOf(counts);
      records.finishPass(passId, { at: now, outcome: 'completed', summary: rows, ...(problems.length > 0 ? { error: problems.join('\n') } : {}), fileBytes: fileBytesAfter });
      records.prune(plan.settings.keepPasses);
      return { passId, plan, rows, fileBytesBefore, fileBytesAfter, problems, skipped };
    } catch (error) {
      records.finishPass(passId, { at: now, outcome: 'failed', summary: rowsOf(counts), error: error instanceof Error ? error.message : String(error), fileBytes: fileSize(trace.path) });
      throw error;
    }
  } finally {
    passLock.release();
  }
}


function applyMemo(options: JanitorPassOptions, plan: JanitorPlan, counts: SummaryCounts, record: RecordAction): void {
  const database = options.trace.database;
  if (plan.memo.stale.length === 0 && plan.memo.evict.length === 0) return;
  database
    .transaction(() => {
      const marked = markMemoEntriesStale(database, plan.memo.stale, options.now);
      counts.memoStale = { count: marked, bytes: plan.memo.stale.reduce((total, change) => total + change.bytes, 0) };
      for (const [reason, group] of byReason(plan.memo.stale)) record({ policy: 'stale', action: 'mark-stale', targetKind: 'memo', target: null, count: group.length, bytes: bytesOf(group), reason, detail: { keys: group.slice(0, 20).map((change) => change.key) } });
      const evicted = evictMemoEntries(database, plan.memo.evict.map((change) => change.key));
      counts.memoEvicted = { count: evicted.entries, bytes: evicted.bytes };
      for (const [reason, group] of byReason(plan.memo.evict)) record({ policy: 'memo-capacity', action: 'evict', targetKind: 'memo', target: null, count: group.length, bytes: bytesOf(group), reason, detail: { keys: group.slice(0, 20).map((change) => change.key) } });
    })
    .immediate();
}

function byReason<T extends MemoChange>(changes: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const change of changes) (groups.get(change.reason) ?? groups.set(change.reason, []).get(change.reason)!).push(change);
  return groups;
}

const bytesOf = (changes: readonly { readonly bytes: number }[]): number => changes.reduce((total, change) => total + change.bytes, 0);

function applyLessons(options: JanitorPassOptions, plan: JanitorPlan, counts: SummaryCounts, record: RecordAction): void {
  const { stale, demote, purge } = plan.lessons;
  if (stale.length + demote.length + purge.length === 0) return;
  const store = new LearningStore(openLearningDatabase(options.trace.path), () => options.now);
  try {
    for (const change of stale) {
      markLessonsStale(store, [change.lessonId], [change.reason], change.data);
      counts.lessonsStale.count += 1;
      record({ policy: 'stale', action: 'mark-stale', targetKind: 'lesson', target: change.lessonId, count: 1, bytes: 0, reason: change.reason, detail: { title: change.title } });
    }
    for (const change of demote) {
      demoteLesson(store, change.lessonId, [change.reason], (change.data?.figures ?? {}) as Readonly<Record<string, unknown>>);
      counts.lessonsDemoted.count += 1;
      record({ policy: 'demotion', action: 'demote', targetKind: 'lesson', target: change.lessonId, count: 1, bytes: 0, reason: change.reason, detail: { title: change.title, ...(change.data ?? {}) } });
    }
    if (purge.length > 0) {
      const retentionDays = options.config.janitor.lessons.rejectedRetentionDays ?? options.config.learning.retentionDays;
      const outcome = purgeRejectedLessons(store, retentionDays * DAY_MS);
      const reasons = new Map(purge.map((change) => [change.lessonId, change]));
      for (const id of outcome.purged) {
        counts.lessonsPurged.count += 1;
        const planned = reasons.get(id);
        record({ policy: 'purge', action: 'purge', targetKind: 'lesson', target: id, count: 1, bytes: 0, reason: planned?.reason ?? `rejected more than ${retentionDays} days ago`, detail: planned ? { title: planned.title } : null });
      }
    }
  } finally {
    store.close();
  }
}

/**
 * Holds the chain's run lock (the one `resume` takes) while `work` changes its runs; a chain
 * being resumed right now is left for the next pass.
 */
function withChainLock(locks: RunLocks, options: JanitorPassOptions, runId: string, skipped: string[], work: () => void): void {
  const summary = options.trace.getRun(runId);
  if (!summary) return;
  let lock;
  try {
    lock = locks.acquire(runLockKey(chainRootOf(options.trace, summary)), 'janitor', { detail: 'a janitor pass' });
  } catch (error) {
    if (!(error instanceof RunLockHeldError)) throw error;
    skipped.push(`left run ${runId.slice(0, 8)} alone: ${error.message}`);
    return;
  }
  try {
    work();
  } finally {
    lock.release();
  }
}

function applyRuns(options: JanitorPassOptions, plan: JanitorPlan, records: JanitorRecords, passId: number, counts: SummaryCounts, record: RecordAction, locks: RunLocks, skipped: string[]): void {
  const { trace, now } = options;
  const database = trace.database;
  const threshold = plan.settings.compaction.blobThresholdBytes;
  const deleted = new Set(plan.runs.delete.flatMap((chain) => chain.runIds));
  for (const run of plan.runs.compact) {
    // A run about to be deleted for the cap is not worth compacting first.
    if (deleted.has(run.runId)) continue;
    withChainLock(locks, options, run.runId, skipped, () => database
      .transaction(() => {
        const report = trace.compactRun(run.runId, { blobThresholdBytes: threshold });
        records.markCompacted(run.runId, passId, now);
        counts.runsCompacted.count += 1;
        counts.runsCompacted.bytes += Math.max(0, report.freedBytes);
        record({
          policy: 'compaction',
          action: 'compact',
          targetKind: 'run',
          target: run.runId,
          count: report.removedEvents,
          bytes: report.freedBytes,
          reason: `finished at least ${plan.settings.compaction.afterDays} day(s) ago: progress events dropped, large strings moved to content-addressed blobs (replay and resume read the same)`,
          detail: { label: run.label, removedEvents: report.removedEvents, movedToBlobs: report.movedToBlobs, bytesBefore: report.bytesBefore, bytesAfter: report.bytesAfter },
        });
      })
      .immediate());
  }
  for (const chain of plan.runs.delete) {
    withChainLock(locks, options, chain.runIds[0]!, skipped, () => database
      .transaction(() => {
        for (const runId of chain.runIds) {
          const summary = trace.getRun(runId);
          if (!summary) continue;
          const size = trace.runSize(runId);
          trace.deleteRun(runId);
          records.forgetRun(runId);
          counts.runsDeleted.count += 1;
          record({
            policy: 'capacity',
            action: 'delete',
            targetKind: 'run',
            target: runId,
            count: size.eventCount,
            bytes: size.totalBytes,
            reason: chain.reason,
            detail: { label: summary.label, status: summary.status, mode: summary.mode, startedAt: summary.startedAt, finishedAt: summary.finishedAt, chainRoot: chain.chainRoot },
          });
        }
        counts.runsDeleted.bytes += chain.freedBytes;
      })
      .immediate());
  }
}

/** Returns freed pages to the file system and empties the write-ahead log. */
function vacuum(options: JanitorPassOptions, plan: JanitorPlan, counts: SummaryCounts, record: RecordAction): void {
  const database = options.trace.database;
  const path = options.trace.path;
  const before = fileSize(path);
  const step = plan.vacuum.step;
  if (step.kind === 'incremental') database.pragma('incremental_vacuum');
  if (step.kind === 'convert') {
    database.pragma('auto_vacuum = INCREMENTAL');
    database.exec('VACUUM');
  }
  database.pragma('wal_checkpoint(TRUNCATE)');
  const returned = Math.max(0, before - fileSize(path));
  if (step.kind === 'incremental' || step.kind === 'convert') {
    counts.vacuum = { count: 1, bytes: returned };
    record({ policy: 'capacity', action: step.kind === 'convert' ? 'vacuum (converted to incremental)' : 'incremental vacuum', targetKind: 'database', target: null, count: 1, bytes: returned, reason: 'return free pages to the file system; WAL checkpointed', detail: null });
  }
}
