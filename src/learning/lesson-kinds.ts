/** CodeWhale's TeacherCandidate kinds, same spellings. */
export const LESSON_KINDS = [
  'note',
  'workflow_recipe',
  'skill_patch',
  'regression_test',
  'cache_policy_patch',
  'branch_heuristic',
  'authoring_prompt_patch',
] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

/**
 * A lesson's life, as an append-only list of status events: proposed → screened → validated →
 * promoted, or rejected, stale, demoted, reverted — each with its reasons.
 */
export const LESSON_STATUSES = ['proposed', 'screened', 'validated', 'promoted', 'rejected', 'stale', 'demoted', 'reverted'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** Kinds whose content is advisory text placed in system prompts. */
export const ADVISORY_KINDS: ReadonlySet<LessonKind> = new Set(['note', 'skill_patch', 'authoring_prompt_patch', 'workflow_recipe']);
