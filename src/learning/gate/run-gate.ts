import { listNodes, PromotionGateSchema, type PromotionGate, type WorkflowSpec } from '../../ir/index.js';
import { readRecordedRun } from '../../runs/index.js';
import { planRunOverlay } from '../apply-overlay.js';
import { lessonPolicyViolations } from '../lesson-authority.js';
import type { Lesson } from '../lesson-schema.js';
import { authorityContextOf, overlaySettingsOf } from '../overlay-settings.js';
import { snapshotId } from '../overlay-snapshot.js';
import type { OverlayHead } from '../overlay-store.js';
import { scopedFiles } from '../repository-state.js';
import type { LearningRuntime } from '../student/learning-runtime.js';
import { replayLessonOnTask, scopedFilesDigest } from '../student/replay-lesson.js';
import { baseSpecOf } from '../student/student-replay.js';
import type { TaskReplay } from '../student/task-replay.js';
import { declaredCommandsOf } from '../structural-lessons.js';
import { screenStage, validateStage, type GateSettings, type StageDecision } from './promotion-gate.js';

export interface GateRequest {
  readonly lesson: Lesson;
  /** Held-out runs to validate on; else the gate picks recent runs the lesson did not come from. */
  readonly heldOutRuns?: readonly string[];
  /** Admit a lesson that passes into the overlay (default true); false leaves it `validated`. */
  readonly promote?: boolean;
}

export type GateVerdict = 'promoted' | 'validated' | 'rejected' | 'inconclusive';

export interface GateOutcome {
  readonly lesson: Lesson;
  readonly verdict: GateVerdict;
  readonly screen: StageDecision;
  readonly validate?: StageDecision;
  readonly head: OverlayHead;
  readonly screenReplays: readonly TaskReplay[];
  readonly validateReplays: readonly TaskReplay[];
}

/**
 * The promotion gate for one lesson: screen on a minibatch of its evidence runs, then validate on
 * held-out runs, each task replayed by the student against the current overlay (earlier replays
 * of the same task against the same overlay and files are reused). Every decision is logged with
 * its reasons and figures; a lesson that passes both stages is promoted in the same transaction
 * as its status event.
 */
export async function runGate(runtime: LearningRuntime, request: GateRequest): Promise<GateOutcome> {
  const { lesson } = request;
  const { store, config } = runtime;
  const head = store.overlay.head();
  const against = snapshotId(head.lessonIds.filter((id) => id !== lesson.id));
  const evidence = lesson.provenance.runs.filter((run) => runtime.trace.getRun(run)).slice(0, config.learning.minibatch);
  const evidenceSpecs = evidence.flatMap((run) => specOf(runtime, run) ?? []);
  const settings = gateSettingsOf(runtime, evidenceSpecs);
  const violations = policyViolationsOf(runtime, lesson);
  const replayAll = async (runs: readonly string[]): Promise<TaskReplay[]> => {
    const replays: TaskReplay[] = [];
    for (const run of runs) replays.push(reusableReplay(runtime, lesson, against, run) ?? (await replayLessonOnTask(runtime, lesson, run, { head, violations })));
    return replays;
  };

  const screenReplays = await replayAll(evidence);
  const screen = screenStage(screenReplays, settings);
  record(runtime, lesson, against, screen);
  if (screen.decision === 'reject') {
    store.lessons.appendStatus(lesson.id, 'rejected', screen.reasons, { stage: 'screen' });
    return { lesson, verdict: 'rejected', screen, head: store.overlay.head(), screenReplays, validateReplays: [] };
  }
  if (screen.decision === 'inconclusive') return { lesson, verdict: 'inconclusive', screen, head, screenReplays, validateReplays: [] };
  store.lessons.appendStatus(lesson.id, 'screened', screen.reasons);

  const heldOut = request.heldOutRuns ?? pickHeldOut(runtime, lesson, new Set(lesson.provenance.runs));
  const validateReplays = await replayAll(heldOut.filter((run) => !lesson.provenance.runs.includes(run)));
  const validate = validateStage(validateReplays, settings);
  record(runtime, lesson, against, validate);
  if (validate.decision === 'reject') {
    store.lessons.appendStatus(lesson.id, 'rejected', validate.reasons, { stage: 'validate' });
    return { lesson, verdict: 'rejected', screen, validate, head: store.overlay.head(), screenReplays, validateReplays };
  }
  if (validate.decision === 'inconclusive') return { lesson, verdict: 'inconclusive', screen, validate, head, screenReplays, validateReplays };
  if (request.promote === false) {
    store.lessons.appendStatus(lesson.id, 'validated', validate.reasons);
    return { lesson, verdict: 'validated', screen, validate, head, screenReplays, validateReplays };
  }
  const promoted = store.transaction(() => {
    store.lessons.appendStatus(lesson.id, 'validated', validate.reasons);
    // Staleness is judged from now on against the files this validation saw.
    return store.overlay.promote(lesson.id, ['passed the gate (screen and validate)'], { invalidation: { commit: runtime.repository.head, files: scopedFiles(runtime.repository, lesson.scope.paths) } });
  });
  return { lesson, verdict: 'promoted', screen, validate, head: promoted, screenReplays, validateReplays };
}

/**
 * What the lesson asks that its trusted sources do not allow: checked against the commands its
 * evidence workflows declare and the configuration (another workflow that does not declare a
 * regression test's command simply does not get it; that is not a violation).
 */
export function policyViolationsOf(runtime: LearningRuntime, lesson: Lesson): string[] {
  const specs = lesson.provenance.runs.flatMap((run) => specOf(runtime, run) ?? []);
  return lessonPolicyViolations(lesson, authorityContextOf(runtime.config, runtime.repository.identity, specs.flatMap((spec) => [...declaredCommandsOf(spec)])));
}

function record(runtime: LearningRuntime, lesson: Lesson, against: string, decision: StageDecision): void {
  runtime.store.lessons.recordGateDecision({ lessonId: lesson.id, stage: decision.stage, decision: decision.decision, againstSnapshot: against, reasons: decision.reasons, figures: decision.figures as unknown as Record<string, unknown> });
}

/** A replay of this lesson on this task against the same overlay, made while the lesson's files were as they are now. */
function reusableReplay(runtime: LearningRuntime, lesson: Lesson, against: string, baselineRunId: string): TaskReplay | undefined {
  const digest = scopedFilesDigest(runtime, lesson);
  return runtime.store.lessons
    .replays<TaskReplay>(lesson.id)
    .filter((replay) => replay.againstSnapshot === against && replay.baselineRunId === baselineRunId && replay.result.filesDigest === digest)
    .at(-1)?.result;
}

/**
 * Held-out tasks: recent finished live runs the lesson did not come from, one per distinct
 * workflow (the same workflow run twice is not two tasks), to which the lesson applies.
 */
export function pickHeldOut(runtime: LearningRuntime, lesson: Lesson, exclude: ReadonlySet<string>): string[] {
  // A run of the same workflow as an evidence run is the task the lesson came from, not a held-out one.
  const seen = new Set([...exclude].flatMap((run) => {
    const spec = specOf(runtime, run);
    return spec ? [JSON.stringify(spec)] : [];
  }));
  const picked: string[] = [];
  for (const run of runtime.trace.listRuns({ limit: 500 })) {
    if (picked.length >= runtime.config.learning.heldOut) break;
    if (run.mode !== 'live' || run.finishedAt === null || exclude.has(run.runId)) continue;
    let spec: WorkflowSpec;
    try {
      spec = baseSpecOf(readRecordedRun(runtime.trace, run.runId));
    } catch {
      continue;
    }
    const identity = JSON.stringify(spec);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const probe = planRunOverlay({ spec, snapshotId: 'probe', lessons: [lesson], repository: runtime.repository, settings: overlaySettingsOf(runtime.config) });
    if (probe.applied.some((entry) => entry.id === lesson.id)) picked.push(run.runId);
  }
  return picked;
}

/**
 * The gate's settings: CodeWhale's vetoes from the evidence workflow's promotion policy (its
 * teacher_review node's, else the workflow's), the statistics from the configuration.
 */
function gateSettingsOf(runtime: LearningRuntime, evidenceSpecs: readonly WorkflowSpec[]): GateSettings {
  const { learning } = runtime.config;
  return { gate: promotionGateOf(evidenceSpecs[0]), minTasks: learning.minTasks, alpha: learning.alpha, bootstrapSamples: learning.bootstrapSamples, seed: learning.seed };
}

export function promotionGateOf(spec: WorkflowSpec | undefined): PromotionGate {
  if (!spec) return PromotionGateSchema.parse({});
  const review = listNodes(spec).find(({ node }) => node.kind === 'teacher_review')?.node;
  return review?.kind === 'teacher_review' ? review.spec.promotion_policy.promotion_gate : spec.promotion_policy.promotion_gate;
}

function specOf(runtime: LearningRuntime, runId: string): WorkflowSpec | undefined {
  try {
    return baseSpecOf(readRecordedRun(runtime.trace, runId));
  } catch {
    return undefined;
  }
}
