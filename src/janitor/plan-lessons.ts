import type { JanitorConfig } from '../config/index.js';
import { changedScopedFiles, lessonAbFigures, type LearningStore, type LessonAb, type RepositoryState } from '../learning/index.js';
import type { RunSummary, TraceStore } from '../trace/index.js';
import type { LessonChange } from './janitor-plan.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LessonPlan {
  readonly stale: LessonChange[];
  readonly demote: LessonChange[];
  readonly purge: LessonChange[];
}

export interface LessonPlanInput {
  readonly store: LearningStore;
  readonly trace: TraceStore;
  /** The repository now (HEAD's files), for lessons scoped to paths. */
  readonly repository: RepositoryState;
  readonly settings: JanitorConfig['lessons'];
  /** Days a rejected lesson is kept (janitor.lessons.rejected_retention_days, else learning.retention_days). */
  readonly rejectedRetentionDays: number;
  readonly now: number;
}

/** Whether a lesson's figures show no benefit or a regression (null: too few runs to judge). */
export function verdictOf(figures: LessonAb, judgeRuns: number): string | null {
  if (figures.runsApplied < judgeRuns || figures.withoutLesson.runs === 0) return null;
  const { successPoints, workTokens, costMicrousd, steps } = figures.delta;
  if (successPoints !== null && successPoints < 0) return `regression: success ${successPoints} points over its last ${figures.runsApplied} runs against ${figures.withoutLesson.runs} without it`;
  const noBetter = (delta: number | null): boolean => delta === null || delta >= 0;
  if ((successPoints ?? 0) <= 0 && noBetter(workTokens) && noBetter(costMicrousd) && noBetter(steps)) {
    return `no benefit over its last ${figures.runsApplied} runs: success ${successPoints ?? 0} points, work tokens ${workTokens ?? 'n/a'}, steps ${steps ?? 'n/a'} against ${figures.withoutLesson.runs} runs without it`;
  }
  return null;
}

/**
 * What the pass does to lessons, read from the learning store and the trace:
 * - promoted lessons whose scoped files changed since they were learned are marked stale (they
 *   leave the overlay; a new student replay can make them valid again);
 * - promoted lessons whose A/B figures over their last K applied runs show no benefit or a
 *   regression, or that were not applied in the last N finished runs, are demoted with the figures;
 * - rejected lessons older than the retention period are purged (never one an overlay snapshot holds).
 */
export function planLessons(input: LessonPlanInput): LessonPlan {
  const { store, settings, now } = input;
  const stale: LessonChange[] = [];
  const demote: LessonChange[] = [];
  const finishedLive = input.trace.listRuns({ limit: 10_000 }).filter((run) => run.mode === 'live' && run.finishedAt !== null);
  const promotedAt = new Map(store.lessons.list({ statuses: ['promoted'] }).map((summary) => [summary.lesson.id, summary.statusAt]));
  for (const id of store.overlay.head().lessonIds) {
    const lesson = store.lessons.getEffective(id);
    if (!lesson) continue;
    const changed = changedScopedFiles(input.repository, lesson.scope.paths, lesson.invalidation.files);
    if (changed.length > 0) {
      stale.push({ lessonId: id, title: lesson.title, reason: `stale: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed since it was learned`, data: { changedFiles: changed } });
      continue;
    }
    const figures = lessonAbFigures(input.trace, id, { lastRuns: settings.judgeRuns });
    const verdict = verdictOf(figures, settings.judgeRuns);
    if (verdict !== null) {
      demote.push({ lessonId: id, title: lesson.title, reason: verdict, data: { figures } });
      continue;
    }
    const unused = unusedFor(finishedLive, figures.lastAppliedAt ?? promotedAt.get(id) ?? lesson.created_at);
    if (settings.unusedRuns > 0 && unused >= settings.unusedRuns) {
      demote.push({ lessonId: id, title: lesson.title, reason: `not applied in the last ${unused} finished runs (janitor.lessons.unused_runs ${settings.unusedRuns})`, data: { figures } });
    }
  }
  return { stale, demote, purge: planPurge(store, input.rejectedRetentionDays, now) };
}

/** Finished live runs that started after `since`. */
function unusedFor(finishedLive: readonly RunSummary[], since: number): number {
  return finishedLive.filter((run) => run.startedAt > since).length;
}

/** Rejected lessons past retention and in no snapshot: what learning's purgeRejectedLessons deletes. */
function planPurge(store: LearningStore, retentionDays: number, now: number): LessonChange[] {
  const cutoff = now - retentionDays * DAY_MS;
  const inSnapshots = new Set(store.overlay.snapshots().flatMap((snapshot) => snapshot.lessonIds));
  return store.lessons
    .list({ statuses: ['rejected'] })
    .filter((summary) => !inSnapshots.has(summary.lesson.id) && summary.statusAt <= cutoff)
    .map((summary) => ({ lessonId: summary.lesson.id, title: summary.lesson.title, reason: `rejected ${Math.floor((now - summary.statusAt) / DAY_MS)} day(s) ago (retention ${retentionDays} days): ${summary.reasons.join('; ')}` }));
}
