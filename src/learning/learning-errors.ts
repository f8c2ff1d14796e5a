import { WhaleflowError } from '../util/index.js';

/** A lesson reference (id or unique prefix) that names no lesson, or more than one. */
export class UnknownLessonError extends WhaleflowError {
  override readonly name = 'UnknownLessonError';
  constructor(
    readonly reference: string,
    readonly candidates: readonly string[] = [],
  ) {
    super(
      candidates.length > 1
        ? `"${reference}" names ${candidates.length} lessons (${candidates.slice(0, 5).map((id) => id.slice(0, 12)).join(', ')}…); give more of the id`
        : `no lesson "${reference}" in this project (whaleflow learn ls lists them)`,
    );
  }
}

/** A snapshot reference that names no overlay snapshot. */
export class UnknownSnapshotError extends WhaleflowError {
  override readonly name = 'UnknownSnapshotError';
  constructor(readonly reference: string) {
    super(`no overlay snapshot "${reference}" in this project (whaleflow overlay log lists them)`);
  }
}

/** An overlay change that would break an invariant (promote without a passing gate decision, roll back onto a rejected lesson…). */
export class OverlayChangeRefusedError extends WhaleflowError {
  override readonly name = 'OverlayChangeRefusedError';
}

/** Lessons in an import file that may not enter this project, each with its reason. */
export class LessonImportRefusedError extends WhaleflowError {
  override readonly name = 'LessonImportRefusedError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: refused, nothing was imported:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
