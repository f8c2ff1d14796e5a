/**
 * What the TUI's lessons view reads and changes, as a port: the composition root (the `tui`
 * command) backs it with the project's learning store, so the TUI knows nothing of how lessons
 * are kept. Promote and revert are overlay operations with their own checks (a lesson needs a
 * passing gate decision to be promoted); a refusal comes back as an error with its reason.
 */
export interface LessonSource {
  list(): LessonsSnapshot;
  /** Admits a lesson that passed the gate into the overlay; returns a one-line outcome. */
  promote(lessonId: string): string;
  /** Takes a lesson out of the overlay; returns a one-line outcome. */
  revert(lessonId: string): string;
}

/** The overlay head and every lesson, as the lessons view shows them. */
export interface LessonsSnapshot {
  readonly snapshotId: string;
  readonly enabled: boolean;
  readonly lessons: readonly LessonRow[];
}

export interface LessonRow {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly status: string;
  readonly inOverlay: boolean;
  /** "runs 1a2b3c4d, 5e6f7a8b; nodes test-first" */
  readonly evidence: string;
  /** The last gate decision with its reasons ("validate pass: …"), or null when it was never gated. */
  readonly gate: string | null;
  /** The reasons of its latest status event. */
  readonly statusReasons: string;
  /** It passed the gate, is not in the overlay and was not rejected since: `p` may promote it. */
  readonly promotable: boolean;
}
