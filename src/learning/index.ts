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
