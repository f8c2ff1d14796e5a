import { openLearningStore, shortLessonId, shortSnapshotId, type LearningStore } from '../../learning/index.js';
import type { TraceLocationOptions } from '../../trace/index.js';
import type { LessonRow, LessonSource, LessonsSnapshot } from '../../tui/lesson-source.js';

/**
 * The TUI's lessons view backed by the project's learning store. Each call opens the store,
 * acts and closes it, so the TUI holds no second connection while it only watches runs, and a
 * promotion from another process is seen on the next reload.
 */
export function learningStoreLessonSource(location: TraceLocationOptions): LessonSource {
  const withStore = <T>(use: (store: LearningStore) => T): T => {
    const store = openLearningStore(location);
    try {
      return use(store);
    } finally {
      store.close();
    }
  };
  return {
    list: () => withStore(snapshotOf),
    promote: (lessonId) =>
      withStore((store) => {
        const head = store.overlay.promote(lessonId, ['promoted from the TUI']);
        return `promoted ${shortLessonId(lessonId)}: overlay snapshot ${shortSnapshotId(head.snapshotId)} (${head.lessonIds.length} lesson(s))`;
      }),
    revert: (lessonId) =>
      withStore((store) => {
        const head = store.overlay.revert(lessonId, 'reverted from the TUI');
        return `reverted ${shortLessonId(lessonId)}: overlay snapshot ${shortSnapshotId(head.snapshotId)} (${head.lessonIds.length} lesson(s))`;
      }),
  };
}

function snapshotOf(store: LearningStore): LessonsSnapshot {
  const head = store.overlay.head();
  const inOverlay = new Set(head.lessonIds);
  const lessons: LessonRow[] = store.lessons.list().map(({ lesson, status, reasons }) => {
    const decision = store.lessons.gateDecisions(lesson.id).at(-1);
    const { runs, nodes } = lesson.provenance;
    return {
      id: lesson.id,
      kind: lesson.kind,
      title: lesson.title,
      status,
      inOverlay: inOverlay.has(lesson.id),
      evidence: `${runs.length > 0 ? `runs ${runs.map((run) => run.slice(0, 8)).join(', ')}` : 'no runs'}${nodes.length > 0 ? `; nodes ${nodes.map((node) => node.node_id).join(', ')}` : ''}`,
      gate: decision ? `${decision.stage} ${decision.decision}: ${decision.reasons.join('; ')}` : null,
      statusReasons: reasons.join('; '),
      promotable: !inOverlay.has(lesson.id) && status !== 'rejected' && store.lessons.passedGate(lesson.id) !== undefined,
    };
  });
  return { snapshotId: head.snapshotId, enabled: head.enabled, lessons };
}
