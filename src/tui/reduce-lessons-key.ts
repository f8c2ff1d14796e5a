import { moveCursor } from './cursor.js';
import type { LessonRow } from './lesson-source.js';
import { bodyHeight } from './select-view.js';
import { cursorStep } from './cursor-step.js';
import type { KeyPress, ViewEffect, ViewState } from './view-state.js';

/** Rows the lessons screen keeps for its header and the selected lesson's detail. */
export const LESSON_DETAIL_ROWS = 5;

export const lessonIdOf = (lesson: LessonRow): string => lesson.id;

/** The lessons on screen, in the order the source gave them. */
export function selectLessons(state: ViewState): readonly LessonRow[] {
  return state.lessons?.lessons ?? [];
}

export function selectedLesson(state: ViewState): LessonRow | undefined {
  const lessons = selectLessons(state);
  const cursor = moveCursor(state.lessonCursor, lessons, lessonIdOf, 0);
  return lessons[cursor.index];
}

/** `L` from the run list: open the lessons view and (re)load what it shows. */
export function openLessons(state: ViewState): ViewState {
  return request({ ...state, screen: { kind: 'lessons' }, filter: '' }, { type: 'load_lessons' });
}

/**
 * Keys of the lessons view: move, `p` promote and `v` revert the selected lesson (each asks y/n
 * first; only a lesson that passed the gate can be promoted), `l` reload, Esc back to the runs.
 */
export function reduceLessonsKey(state: ViewState, key: KeyPress): ViewState {
  if (key.name === 'escape' || key.name === 'left' || key.name === 'backspace') return { ...state, screen: { kind: 'list' } };
  const lessons = selectLessons(state);
  const step = cursorStep(key, Math.max(1, bodyHeight(state) - LESSON_DETAIL_ROWS));
  if (step !== 0) return { ...state, lessonCursor: moveCursor(state.lessonCursor, lessons, lessonIdOf, step) };
  if (key.name !== 'char') return state;
  if (key.char === 'l') return request({ ...state, message: 'reloading lessons…' }, { type: 'load_lessons' });
  const lesson = selectedLesson(state);
  if (key.char !== 'p' && key.char !== 'v') return state;
  if (!lesson) return { ...state, message: 'no lesson selected' };
  if (key.char === 'p') {
    if (lesson.inOverlay) return { ...state, message: `${shortId(lesson)} is already in the overlay` };
    if (!lesson.promotable) return { ...state, message: `${shortId(lesson)} is ${lesson.status} and has not passed the gate: run \`whaleflow learn gate ${shortId(lesson)}\`` };
    return { ...state, lessonConfirmation: { action: 'promote', lessonId: lesson.id, title: lesson.title } };
  }
  if (!lesson.inOverlay) return { ...state, message: `${shortId(lesson)} is not in the overlay; nothing to revert` };
  return { ...state, lessonConfirmation: { action: 'revert', lessonId: lesson.id, title: lesson.title } };
}

/** y performs the pending promote or revert; any other key drops it. */
export function reduceLessonConfirmation(state: ViewState, key: KeyPress): ViewState {
  const confirmation = state.lessonConfirmation!;
  if (key.name === 'char' && (key.char === 'y' || key.char === 'Y')) {
    return request({ ...state, lessonConfirmation: null, message: `${confirmation.action === 'promote' ? 'promoting' : 'reverting'} ${confirmation.lessonId.slice(0, 12)}…` }, { type: 'change_lesson', action: confirmation.action, lessonId: confirmation.lessonId });
  }
  return { ...state, lessonConfirmation: null, message: `${confirmation.action} aborted` };
}

function request(state: ViewState, effect: ViewEffect): ViewState {
  return { ...state, pendingEffects: [...state.pendingEffects, effect] };
}

function shortId(lesson: LessonRow): string {
  return lesson.id.slice(0, 12);
}
