// Learning: lessons proposed from traces, validated by student replay and a promotion gate,
// admitted into a per-repository overlay that warms future runs. A surface: it reads traces and
// writes the overlay; the engine never imports it (the overlay reaches a run as data).
export { LESSON_KINDS, LESSON_STATUSES, ADVISORY_KINDS, type LessonKind, type LessonStatus } from './lesson-kinds.js';
export {
  LessonBodySchema,
  LessonRecordSchema,
  LessonScopeSchema,
  ProvenanceSchema,
  InvalidationSchema,
  MAX_LESSON_TEXT_CHARS,
  type Lesson,
  type LessonBody,
  type LessonScope,
  type Provenance,
  type Invalidation,
  type LessonStatusEvent,
} from './lesson-schema.js';
export { lessonId, shortLessonId } from './lesson-id.js';
export { makeLesson, type LessonDescription } from './make-lesson.js';
export { findAuthorityFields, lessonPolicyViolations, type AuthorityContext } from './lesson-authority.js';
export { readRepositoryState, scopedFiles, changedScopedFiles, type RepositoryState } from './repository-state.js';
export { openLearningDatabase, learningDatabasePath, LearningDatabaseError } from './learning-database.js';
export { LEARNING_COMPONENT, LEARNING_MIGRATIONS } from './learning-migrations.js';
export { LearningStore, openLearningStore, openExistingLearningStore } from './learning-store.js';
export { LessonStore, type LessonSummary, type GateDecisionRecord, type ReplayRecord } from './lesson-store.js';
export { OverlayStore, type OverlayHead, type OverlayLogEntry, type OverlaySnapshot, type OverlayAction } from './overlay-store.js';
export { snapshotId, shortSnapshotId, EMPTY_SNAPSHOT_ID } from './overlay-snapshot.js';
export { UnknownLessonError, UnknownSnapshotError, OverlayChangeRefusedError, LessonImportRefusedError } from './learning-errors.js';
// For the janitor: stale marking, demotion with figures, evidence runs to keep, purging rejected lessons.
export { markLessonsStale, demoteLesson, evidenceRunsOfPromoted, purgeRejectedLessons, type PurgeReport } from './learning-maintenance.js';
// Applying the overlay to a run: as data for the engine, recorded in run_started.
export { planRunOverlay, rolesOf, type OverlayPlan, type OverlayPlanInput, type OverlaySettings, type SkippedLesson } from './apply-overlay.js';
export { prepareRunOverlay, type PreparedRunOverlay, type PrepareRunOverlayOptions } from './prepare-run-overlay.js';
export { overlaySettingsOf, configuredRoutesOf, authorityContextOf } from './overlay-settings.js';
export { advisoryBlock, sanitizeLessonText, DEFAULT_ADVISORY_MAX_CHARS, type AdvisoryEntry } from './advisory-block.js';
export { modelFamily } from './model-family.js';
// The loop: teacher review, student replay, promotion gate.
export { proposeLessons, type ProposeOutcome, type ProposedLesson } from './propose-lessons.js';
export { collectRunEvidence, type RunEvidence } from './teacher/run-evidence.js';
export { deterministicProposals, LOST_TOURNAMENTS_THRESHOLD } from './teacher/deterministic-proposals.js';
export { askTeacher, checkTeacherReply, TeacherProposalError, TEACHER_SYSTEM, type TeacherModel, type TeacherOutcome } from './teacher/teacher-review.js';
export type { LearningRuntime, LivePorts, ScratchWorkspace } from './student/learning-runtime.js';
export { runStudentReplay, baseSpecOf, STUDENT_ROLE, type StudentRun, type StudentReplayRequest } from './student/student-replay.js';
export { replayLessonOnTask } from './student/replay-lesson.js';
export { changedNodes } from './student/changed-nodes.js';
export { readTasksFile, baselinesForTasks, TasksFileError } from './student/task-baselines.js';
export type { TaskReplay, TaskFigures, RequiredTest } from './student/task-replay.js';
export { runGate, pickHeldOut, promotionGateOf, policyViolationsOf, type GateOutcome, type GateRequest, type GateVerdict } from './gate/run-gate.js';
export { screenStage, validateStage, type GateSettings, type StageDecision, type GateFigures } from './gate/promotion-gate.js';
export { signTestPValue } from './gate/sign-test.js';
export { pairedBootstrapRatio, type RatioInterval } from './gate/paired-bootstrap.js';
export { seededRandom } from './gate/seeded-random.js';
export { runFigures, type RunFigures } from './run-figures.js';
// A/B telemetry (overlay stats; the janitor's demotion figures) and sharing an overlay between clones.
export { overlayStats, lessonAbFigures, type OverlayStats, type LessonAb, type WorkflowAb, type AbSide } from './ab-telemetry.js';
export { exportOverlay, importOverlay, commandsDeclaredInProject, OVERLAY_EXPORT_FORMAT, type OverlayExport, type ImportOutcome } from './overlay-transfer.js';
