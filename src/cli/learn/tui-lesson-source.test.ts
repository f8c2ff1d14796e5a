import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LearningStore, openLearningDatabase } from '../../learning/index.js';
import { addGatedLesson, sampleNote } from '../../learning/testing/sample-lessons.js';
import { InMemoryTraceStore } from '../../trace/index.js';
import { performViewEffect } from '../../tui/perform-view-effect.js';
import type { ViewAction } from '../../tui/view-state.js';
import { learningStoreLessonSource } from './tui-lesson-source.js';

describe('the TUI lessons view over the learning store', () => {
  let directory: string;
  let databasePath: string;
  const withStore = <T>(use: (store: LearningStore) => T): T => {
    const store = new LearningStore(openLearningDatabase(databasePath));
    try {
      return use(store);
    } finally {
      store.close();
    }
  };
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'whaleflow-tui-lessons-'));
    databasePath = join(directory, 'whaleflow.db');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('lists status, evidence and gate decision; promotes only what passed the gate; reverts; the overlay log says it came from the TUI', () => {
    const [gated, proposed] = withStore((store) => {
      const passed = addGatedLesson(store, sampleNote('named exports'));
      const plain = sampleNote('only proposed');
      store.lessons.add(plain, ['proposed by a rule']);
      return [passed, plain];
    });
    const source = learningStoreLessonSource({ cwd: directory, databasePath });
    const listed = source.list();
    expect(listed.lessons.map((lesson) => [lesson.title, lesson.status, lesson.promotable, lesson.inOverlay])).toEqual(
      expect.arrayContaining([
        ['note: named exports', 'proposed', true, false],
        ['note: only proposed', 'proposed', false, false],
      ]),
    );
    const row = listed.lessons.find((lesson) => lesson.id === gated.id)!;
    expect(row.evidence).toBe('runs run-1');
    expect(row.gate).toBe('validate pass: test');

    expect(() => source.promote(proposed.id)).toThrow(/has no passing gate decision/);
    expect(source.promote(gated.id)).toMatch(/^promoted [0-9a-f]{12}: overlay snapshot [0-9a-f]{12} \(1 lesson\(s\)\)$/);
    expect(source.list().lessons.find((lesson) => lesson.id === gated.id)).toMatchObject({ status: 'promoted', inOverlay: true, promotable: false });
    expect(source.revert(gated.id)).toMatch(/^reverted [0-9a-f]{12}: overlay snapshot [0-9a-f]{12} \(0 lesson\(s\)\)$/);
    withStore((store) => {
      expect(store.overlay.log().map((entry) => [entry.action, entry.reason])).toEqual([
        ['promote', 'promoted from the TUI'],
        ['revert', 'reverted from the TUI'],
      ]);
      expect(store.lessons.status(gated.id)).toBe('reverted');
    });
  });

  it('the shell performs the view\'s requests: a change reloads the lessons and reports its outcome; a refusal is an error line', () => {
    const lesson = withStore((store) => addGatedLesson(store, sampleNote('named exports')));
    const actions: ViewAction[] = [];
    const environment = { store: new InMemoryTraceStore(), cwd: directory, entryScript: undefined, dispatch: (action: ViewAction) => actions.push(action), quit: () => {}, lessons: learningStoreLessonSource({ cwd: directory, databasePath }) };
    performViewEffect({ type: 'change_lesson', action: 'promote', lessonId: lesson.id }, environment);
    expect(actions.map((action) => action.type)).toEqual(['lessons_loaded', 'message']);
    expect(actions[0]).toMatchObject({ lessons: { lessons: [expect.objectContaining({ id: lesson.id, inOverlay: true })] } });
    actions.length = 0;
    performViewEffect({ type: 'change_lesson', action: 'promote', lessonId: 'f'.repeat(64) }, environment);
    expect(actions).toEqual([{ type: 'error', text: expect.stringMatching(/no passing gate decision/) }]);
  });
});
