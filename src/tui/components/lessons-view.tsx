import { Box, Text } from 'ink';
import { escapeTerminalLine as line } from '../../util/index.js';
import type { LessonRow } from '../lesson-source.js';
import { LESSON_DETAIL_ROWS, lessonIdOf, selectLessons } from '../reduce-lessons-key.js';
import { bodyHeight, visibleWindow } from '../select-view.js';
import { cursorIndex } from '../cursor.js';
import type { ViewState } from '../view-state.js';
import { fitText } from './node-facts.js';
import { TextBlock } from './text-block.js';

/**
 * The lessons of this repository: status, kind and title per row (`*` marks the overlay's), and
 * for the selected one its evidence, its last gate decision and why it has its status. Lesson
 * text is untrusted (a teacher model wrote it): every field is drawn with its control characters
 * escaped.
 */
export function LessonsView({ state }: { readonly state: ViewState }) {
  const snapshot = state.lessons;
  if (!snapshot) return <Text dimColor>Loading lessons…</Text>;
  const lessons = selectLessons(state);
  const header = `Lessons · overlay ${snapshot.snapshotId.slice(0, 12)}${snapshot.enabled ? '' : ' (disabled)'} · ${lessons.filter((lesson) => lesson.inOverlay).length} in the overlay · ${lessons.length} in all`;
  if (lessons.length === 0) {
    return (
      <Box flexDirection="column">
        <Text bold>{fitText(header, state.columns)}</Text>
        <Text dimColor>No lessons yet: `whaleflow learn` proposes some from the last run (learning.enabled).</Text>
      </Box>
    );
  }
  const cursor = cursorIndex(state.lessonCursor, lessons, lessonIdOf);
  const window = visibleWindow(lessons.length, cursor, Math.max(1, bodyHeight(state) - LESSON_DETAIL_ROWS));
  const rows = lessons.slice(window.start, window.end).map((lesson, offset) => ({ text: fitText(lessonRowText(lesson), state.columns - 1), selected: window.start + offset === cursor }));
  const selected = lessons[cursor]!;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {fitText(header, state.columns)}
      </Text>
      <TextBlock lines={rows} />
      <TextBlock lines={lessonDetailLines(selected).map((text) => ({ text: fitText(text, state.columns - 1) }))} />
    </Box>
  );
}

export function lessonRowText(lesson: LessonRow): string {
  return `${lesson.inOverlay ? '*' : ' '} ${lesson.id.slice(0, 12)}  ${lesson.status.padEnd(9)} ${lesson.kind.padEnd(22)} ${line(lesson.title)}`;
}

/** The selected lesson: evidence, gate decision, why it has its status. */
export function lessonDetailLines(lesson: LessonRow): string[] {
  return [
    '',
    `evidence  ${line(lesson.evidence)}`,
    `gate      ${lesson.gate ? line(lesson.gate) : 'not gated yet'}`,
    `${lesson.status.padEnd(9)} ${line(lesson.statusReasons)}`,
  ];
}
