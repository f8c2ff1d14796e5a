import type { RunOverlay } from '../engine/index.js';
import type { TraceStore } from '../trace/index.js';
import { runFigures, type RunFigures } from './run-figures.js';

/** Averages over a group of runs. */
export interface AbSide {
  readonly runs: number;
  readonly succeeded: number;
  readonly successRate: number | null;
  readonly meanWorkTokens: number | null;
  readonly meanCostMicrousd: number | null;
  readonly meanSteps: number | null;
  readonly meanWallMs: number | null;
}

export interface WorkflowAb {
  readonly workflow: string;
  readonly withOverlay: AbSide;
  readonly withoutOverlay: AbSide;
}

export interface LessonAb {
  readonly lessonId: string;
  readonly title: string;
  /** Runs the lesson was applied in. */
  readonly runsApplied: number;
  /** The last run it was applied in, for "not applied in N runs". */
  readonly lastAppliedAt: number | null;
  readonly withLesson: AbSide;
  /** Runs of the same workflows without it. */
  readonly withoutLesson: AbSide;
  /** mean(with) − mean(without): negative is cheaper / fewer steps; success in percentage points. */
  readonly delta: { readonly workTokens: number | null; readonly costMicrousd: number | null; readonly steps: number | null; readonly successPoints: number | null };
}

export interface OverlayStats {
  readonly runsConsidered: number;
  readonly workflows: readonly WorkflowAb[];
  readonly lessons: readonly LessonAb[];
}

interface ObservedRun {
  readonly figures: RunFigures;
  readonly workflow: string;
  readonly lessons: readonly { readonly id: string; readonly title: string }[];
  readonly startedAt: number;
}

/**
 * A/B telemetry from the trace: finished live runs of the same workflow with and without an
 * applied overlay (success, tokens, cost, steps, wall time), and per lesson the runs it was
 * applied in against runs of the same workflows without it. Replays are not runs of the
 * workflow and are left out. `limit` bounds how many recent runs are read.
 */
export function overlayStats(trace: TraceStore, options: { readonly limit?: number } = {}): OverlayStats {
  const observed = observeRuns(trace, options.limit ?? 1_000);
  const byWorkflow = new Map<string, ObservedRun[]>();
  for (const run of observed) (byWorkflow.get(run.workflow) ?? byWorkflow.set(run.workflow, []).get(run.workflow)!).push(run);
  const workflows = [...byWorkflow].map(([workflow, runs]) => ({
    workflow,
    withOverlay: sideOf(runs.filter((run) => run.lessons.length > 0)),
    withoutOverlay: sideOf(runs.filter((run) => run.lessons.length === 0)),
  }));
  const lessonIds = new Map<string, string>();
  for (const run of observed) for (const lesson of run.lessons) lessonIds.set(lesson.id, lesson.title);
  const lessons = [...lessonIds].map(([id, title]) => lessonAbOf(observed, id, title));
  return { runsConsidered: observed.length, workflows, lessons };
}

/** One lesson's A/B figures (for `overlay stats` and the janitor's demotion), over the most recent `lastRuns` runs it applied in. */
export function lessonAbFigures(trace: TraceStore, lessonId: string, options: { readonly lastRuns?: number; readonly limit?: number } = {}): LessonAb {
  const observed = observeRuns(trace, options.limit ?? 1_000);
  const title = observed.flatMap((run) => run.lessons).find((lesson) => lesson.id === lessonId)?.title ?? '';
  return lessonAbOf(observed, lessonId, title, options.lastRuns);
}

function lessonAbOf(observed: readonly ObservedRun[], lessonId: string, title: string, lastRuns?: number): LessonAb {
  let applied = observed.filter((run) => run.lessons.some((lesson) => lesson.id === lessonId)).sort((left, right) => right.startedAt - left.startedAt);
  if (lastRuns !== undefined) applied = applied.slice(0, lastRuns);
  const workflows = new Set(applied.map((run) => run.workflow));
  const without = observed.filter((run) => workflows.has(run.workflow) && !run.lessons.some((lesson) => lesson.id === lessonId));
  const withLesson = sideOf(applied);
  const withoutLesson = sideOf(without);
  const difference = (left: number | null, right: number | null): number | null => (left === null || right === null ? null : Math.round((left - right) * 100) / 100);
  return {
    lessonId,
    title,
    runsApplied: applied.length,
    lastAppliedAt: applied[0]?.startedAt ?? null,
    withLesson,
    withoutLesson,
    delta: {
      workTokens: difference(withLesson.meanWorkTokens, withoutLesson.meanWorkTokens),
      costMicrousd: difference(withLesson.meanCostMicrousd, withoutLesson.meanCostMicrousd),
      steps: difference(withLesson.meanSteps, withoutLesson.meanSteps),
      successPoints: withLesson.successRate === null || withoutLesson.successRate === null ? null : Math.round((withLesson.successRate - withoutLesson.successRate) * 1000) / 10,
    },
  };
}

function observeRuns(trace: TraceStore, limit: number): ObservedRun[] {
  const observed: ObservedRun[] = [];
  for (const summary of trace.listRuns({ limit })) {
    if (summary.mode !== 'live' || summary.finishedAt === null) continue;
    const started = trace.events(summary.runId, 0, ['run_started'])[0]?.event;
    if (started?.type !== 'run_started') continue;
    const overlay: RunOverlay | undefined = started.overlay;
    let workflow: string;
    try {
      workflow = (JSON.parse(overlay?.baseSpec ?? started.spec) as { id?: string | null }).id ?? summary.sourceFile ?? summary.specHash.slice(0, 12);
    } catch {
      continue;
    }
    observed.push({ figures: runFigures(trace, summary.runId), workflow, lessons: (overlay?.lessons ?? []).map((lesson) => ({ id: lesson.id, title: lesson.title })), startedAt: summary.startedAt });
  }
  return observed;
}

function sideOf(runs: readonly ObservedRun[]): AbSide {
  const mean = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 100) / 100);
  const costs = runs.map((run) => run.figures.costMicrousd);
  const succeeded = runs.filter((run) => run.figures.succeeded).length;
  return {
    runs: runs.length,
    succeeded,
    successRate: runs.length === 0 ? null : succeeded / runs.length,
    meanWorkTokens: mean(runs.map((run) => run.figures.workTokens)),
    meanCostMicrousd: costs.some((cost) => cost === null) ? null : mean(costs as number[]),
    meanSteps: mean(runs.map((run) => run.figures.steps)),
    meanWallMs: mean(runs.flatMap((run) => (run.figures.wallMs === null ? [] : [run.figures.wallMs]))),
  };
}
