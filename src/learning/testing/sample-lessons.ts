import { makeLesson } from '../make-lesson.js';
import type { Lesson, LessonBody } from '../lesson-schema.js';
import type { LearningStore } from '../learning-store.js';

export const TEST_REPOSITORY = 'git:0000000000000000000000000000000000000000';

/** A note lesson for tests; `text` makes it distinct. */
export function sampleNote(text: string, overrides: Partial<LessonBody['scope']> = {}, createdAt = 1_000): Lesson {
  return makeLesson(
    { kind: 'note', content: { text }, scope: { repository: TEST_REPOSITORY, paths: [], roles: ['implementer'], agent_types: [], model_family: null, workflows: [], ...overrides } },
    { title: `note: ${text.slice(0, 40)}`, provenance: { runs: ['run-1'], nodes: [], proposer: { type: 'rule', rule: 'test' }, parents: [] }, invalidation: {}, createdAt },
  );
}

/** Adds a lesson and records a passing gate decision for it, so it may be promoted. */
export function addGatedLesson(store: LearningStore, lesson: Lesson, againstSnapshot = store.overlay.head().snapshotId): Lesson {
  store.lessons.add(lesson, ['test']);
  store.lessons.recordGateDecision({ lessonId: lesson.id, stage: 'validate', decision: 'pass', againstSnapshot, reasons: ['test'], figures: {} });
  return lesson;
}
