import type { TraceStore } from '../../trace/index.js';
import { readRecordedRun, type RecordedRun } from '../../runs/index.js';
import { sha256Hex } from '../../util/index.js';
import type { Lesson } from '../lesson-schema.js';
import type { OverlayHead } from '../overlay-store.js';
import { EMPTY_SNAPSHOT_ID, snapshotId } from '../overlay-snapshot.js';
import { changedScopedFiles, filesAt, scopedFiles } from '../repository-state.js';
import { runFigures, type RunFigures } from '../run-figures.js';
import type { LearningRuntime } from './learning-runtime.js';
import { baseSpecOf, runStudentReplay, type StudentRun } from './student-replay.js';
import { planRunOverlay } from '../apply-overlay.js';
import { overlaySettingsOf } from '../overlay-settings.js';
import type { RequiredTest, TaskFigures, TaskReplay } from './task-replay.js';

export interface ReplayLessonOptions {
  readonly head: OverlayHead;
  /** The lesson's policy violations (the same on every task). */
  readonly violations: readonly string[];
}

/**
 * Replays one task (a recorded run) for one lesson, judged against the current overlay: the
 * baseline is the recorded run when it ran under the current overlay, else its own student
 * replay under it; the candidate is the student replay under the current overlay plus the
 * lesson. The paired result is recorded for the gate.
 */
export async function replayLessonOnTask(runtime: LearningRuntime, lesson: Lesson, baselineRunId: string, options: ReplayLessonOptions): Promise<TaskReplay> {
  const recorded = readRecordedRun(runtime.trace, baselineRunId);
  const current = options.head.lessonIds.filter((id) => id !== lesson.id).flatMap((id) => runtime.store.lessons.getEffective(id) ?? []);
  const currentSnapshot = snapshotId(current.map((entry) => entry.id));
  const short = lesson.id.slice(0, 8);
  const recordedSnapshot = recorded.started.overlay?.snapshotId ?? EMPTY_SNAPSHOT_ID;
  // Whether the lesson applies to this task at all: planning is pure and cheap, a replay is not.
  const withLesson = [...current, lesson];
  const probe = planRunOverlay({ spec: baseSpecOf(recorded), snapshotId: 'probe', lessons: withLesson, repository: runtime.repository, settings: overlaySettingsOf(runtime.config) });
  const skipped = probe.skipped.find((entry) => entry.id === lesson.id);
  let comparison: { runId: string; rebase?: StudentRun } = { runId: recorded.runId };
  if (recordedSnapshot !== currentSnapshot) {
    const rebase = await runStudentReplay(runtime, { baseline: recorded, lessons: current, snapshotId: currentSnapshot, label: `student replay of ${recorded.started.label} under the current overlay (for lesson ${short})` });
    comparison = { runId: rebase.runId, rebase };
  }
  const candidate = skipped
    ? undefined
    : await runStudentReplay(runtime, { baseline: recorded, lessons: withLesson, snapshotId: snapshotId(withLesson.map((entry) => entry.id)), label: `student replay of ${recorded.started.label} with lesson ${short}` });
  const baselineFigures = taskFigures(runFigures(runtime.trace, comparison.runId));
  const result: TaskReplay = {
    task: { baselineRunId: recorded.runId, workflowId: recorded.spec.id, sourceFile: recorded.started.sourceFile ?? null, label: recorded.started.label },
    comparisonRunId: comparison.runId,
    candidateRunId: candidate?.runId ?? null,
    applied: skipped === undefined,
    ...(skipped ? { skippedReason: skipped.reason } : {}),
    baseline: baselineFigures,
    candidate: candidate ? taskFigures(runFigures(runtime.trace, candidate.runId)) : baselineFigures,
    required_tests: candidate ? requiredTests(runtime.trace, comparison.runId, candidate.runId, new Set(listIds(recorded))) : [],
    policy_violations: options.violations,
    stale: await baselineIsStale(runtime, lesson, recorded),
    replay: {
      served: candidate?.servedFromTrace ?? 0,
      live: candidate?.ranLive ?? 0,
      liveNodes: candidate?.liveNodes ?? [],
      providerCalls: candidate?.providerCalls ?? 0,
      paidTokens: candidate?.paid.tokens ?? 0,
      paidCostMicrousd: candidate ? candidate.paid.costMicrousd : 0,
      rebased: comparison.rebase !== undefined,
      rebaseProviderCalls: comparison.rebase?.providerCalls ?? 0,
    },
    filesDigest: scopedFilesDigest(runtime, lesson),
    commit: runtime.repository.head,
  };
  runtime.store.lessons.recordReplay({ lessonId: lesson.id, againstSnapshot: currentSnapshot, baselineRunId: recorded.runId, candidateRunId: candidate?.runId ?? comparison.runId, result });
  return result;
}

/** A digest of the lesson's scoped files at HEAD: replays made before they changed are out of date. */
export function scopedFilesDigest(runtime: Pick<LearningRuntime, 'repository'>, lesson: Lesson): string {
  return sha256Hex(JSON.stringify(scopedFiles(runtime.repository, lesson.scope.paths)));
}

export function taskFigures(figures: RunFigures): TaskFigures {
  return {
    score: figures.succeeded ? 1 : 0,
    success: figures.succeeded,
    cost_microusd: figures.costMicrousd,
    tokens: figures.tokens,
    work_tokens: figures.workTokens,
    steps: figures.steps,
    wall_ms: figures.wallMs,
  };
}

function listIds(recorded: RecordedRun): string[] {
  const ids: string[] = [];
  const visit = (nodes: RecordedRun['spec']['nodes']): void => {
    for (const node of nodes) {
      ids.push(node.spec.id);
      if ('children' in node.spec) visit(node.spec.children);
      if (node.kind === 'cond') {
        visit(node.spec.then_nodes);
        visit(node.spec.else_nodes);
      }
    }
  };
  visit(recorded.spec.nodes);
  return ids;
}

/** The tests the candidate must pass: every test the baseline passed, and every test leaf the lesson added. */
function requiredTests(trace: TraceStore, baselineRunId: string, candidateRunId: string, baselineIds: ReadonlySet<string>): RequiredTest[] {
  const testOf = (details: Readonly<Record<string, unknown>> | null) => details?.test as { passed: boolean; command: string | null } | undefined;
  const passedBefore = new Set(
    trace
      .leafRuns(baselineRunId)
      .filter((leaf) => testOf(leaf.details)?.passed)
      .map((leaf) => `${leaf.nodeId}\u0000${leaf.iteration}`),
  );
  return trace.leafRuns(candidateRunId).flatMap((leaf) => {
    const test = testOf(leaf.details);
    if (!test) return [];
    const required = passedBefore.has(`${leaf.nodeId}\u0000${leaf.iteration}`) || !baselineIds.has(leaf.nodeId);
    return required ? [{ nodeId: leaf.nodeId, iteration: leaf.iteration, command: test.command, passed: test.passed }] : [];
  });
}

/** Whether the lesson's scoped files changed between the commit the baseline ran at (if recorded) and HEAD. */
async function baselineIsStale(runtime: LearningRuntime, lesson: Lesson, recorded: RecordedRun): Promise<boolean> {
  const commit = recorded.started.overlay?.commit;
  if (!commit || commit === runtime.repository.head || lesson.scope.paths.length === 0) return false;
  const then = await filesAt(runtime.cwd, commit);
  if (then.size === 0) return false;
  return changedScopedFiles(runtime.repository, lesson.scope.paths, scopedFiles({ ...runtime.repository, files: then }, lesson.scope.paths)).length > 0;
}
