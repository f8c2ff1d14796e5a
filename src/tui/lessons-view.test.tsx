import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from '../runs/testing/record-mock-run.js';
import { TuiView } from './components/tui-view.js';
import { initialViewState } from './initial-view-state.js';
import type { LessonRow, LessonsSnapshot } from './lesson-source.js';
import { reduceViewState } from './reduce-view-state.js';
import type { KeyPress, ViewAction, ViewState } from './view-state.js';

afterEach(() => cleanup());

const char = (value: string): ViewAction => ({ type: 'key', key: { name: 'char', char: value } });
const key = (name: Exclude<KeyPress['name'], 'char'>): ViewAction => ({ type: 'key', key: { name } as KeyPress });
const reduceAll = (state: ViewState, actions: readonly ViewAction[]): ViewState => actions.reduce(reduceViewState, state);

const row = (id: string, overrides: Partial<LessonRow> = {}): LessonRow => ({
  id: id.repeat(64).slice(0, 64),
  kind: 'note',
  title: `lesson ${id}`,
  status: 'validated',
  inOverlay: false,
  evidence: 'runs aaaa1111; nodes test-first',
  gate: 'validate pass: validate: cheaper at no loss of success',
  statusReasons: 'passed the gate',
  promotable: true,
  ...overrides,
});

const SNAPSHOT: LessonsSnapshot = {
  snapshotId: 'f'.repeat(64),
  enabled: true,
  lessons: [
    row('a', { status: 'promoted', inOverlay: true, promotable: false, title: 'modules use named exports' }),
    row('b'),
    row('c', { status: 'rejected', promotable: false, gate: 'screen reject: not better on its own evidence', title: 'hostile\x1b]0;PWNED\x07 title' }),
  ],
};

const opened = (): ViewState => reduceAll(initialViewState({ now: 0, rows: 24, columns: 120 }), [char('L'), { type: 'effects_taken' }, { type: 'lessons_loaded', lessons: SNAPSHOT }]);

describe('the lessons view', () => {
  it('L opens it from the run list (even with no runs) and asks for the lessons', () => {
    const state = reduceViewState(initialViewState({ now: 0 }), char('L'));
    expect(state.screen).toEqual({ kind: 'lessons' });
    expect(state.pendingEffects).toEqual([{ type: 'load_lessons' }]);
    expect(reduceViewState(state, key('escape')).screen).toEqual({ kind: 'list' });
  });

  it('shows status, evidence and gate decision; control characters in lesson text are escaped', () => {
    const state = reduceAll(opened(), [char('j'), char('j')]);
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame).toContain(`Lessons · overlay ${'f'.repeat(12)} · 1 in the overlay · 3 in all`);
    expect(frame).toMatch(/\* aaaaaaaaaaaa\s+promoted\s+note\s+modules use named exports/);
    expect(frame).toMatch(/bbbbbbbbbbbb\s+validated/);
    expect(frame).toContain('hostile\\x1b]0;PWNED\\x07 title');
    expect(frame).not.toContain('\x07');
    expect(frame).toContain('evidence  runs aaaa1111; nodes test-first');
    expect(frame).toContain('gate      screen reject: not better on its own evidence');
    expect(frame).toContain('p promote · v revert');
  });

  it('p promotes a lesson that passed the gate after y; n aborts; a lesson that did not pass is refused with the way forward', () => {
    const onB = reduceViewState(opened(), char('j'));
    const asking = reduceViewState(onB, char('p'));
    expect(asking.lessonConfirmation).toEqual({ action: 'promote', lessonId: 'b'.repeat(64), title: 'lesson b' });
    expect(render(<TuiView state={asking} />).lastFrame()).toContain(`Promote lesson ${'b'.repeat(12)} "lesson b" into the overlay? (y/n)`);
    const confirmed = reduceViewState(asking, char('y'));
    expect(confirmed.pendingEffects).toEqual([{ type: 'change_lesson', action: 'promote', lessonId: 'b'.repeat(64) }]);
    expect(confirmed.lessonConfirmation).toBeNull();
    const aborted = reduceViewState(asking, char('n'));
    expect(aborted.pendingEffects).toEqual([]);
    expect(aborted.message).toBe('promote aborted');
    const rejected = reduceAll(opened(), [char('G'), char('p')]);
    expect(rejected.lessonConfirmation).toBeNull();
    expect(rejected.message).toMatch(/is rejected and has not passed the gate: run `whaleflow learn gate cccccccccccc`/);
    expect(reduceViewState(opened(), char('p')).message).toMatch(/already in the overlay/);
  });

  it('v reverts a lesson of the overlay after y, and says so for one that is not in it', () => {
    const asking = reduceViewState(opened(), char('v'));
    expect(asking.lessonConfirmation).toEqual({ action: 'revert', lessonId: 'a'.repeat(64), title: 'modules use named exports' });
    expect(reduceViewState(asking, char('y')).pendingEffects).toEqual([{ type: 'change_lesson', action: 'revert', lessonId: 'a'.repeat(64) }]);
    expect(reduceAll(opened(), [char('j'), char('v')]).message).toMatch(/is not in the overlay; nothing to revert/);
  });

  it('the cursor follows its lesson when a reload reorders them', () => {
    const onB = reduceViewState(opened(), char('j'));
    const reordered = reduceViewState(onB, { type: 'lessons_loaded', lessons: { ...SNAPSHOT, lessons: [row('z'), ...SNAPSHOT.lessons] } });
    expect(reduceViewState(reordered, char('p')).lessonConfirmation?.lessonId).toBe('b'.repeat(64));
  });
});

describe('the overlay a run applied, in run detail and footer', () => {
  it('shows the snapshot and how many lessons it applied, from run_started', async () => {
    const recorded = (await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'aaaa1111-overlay' })).events;
    const events: RunEvent[] = recorded.map((event) =>
      event.type === 'run_started'
        ? { ...event, overlay: { snapshotId: 'e'.repeat(64), lessons: [{ id: 'a'.repeat(64), kind: 'note', title: 'named exports', effect: 'advisory for implementer' }], blocks: [], leafBlocks: {}, roleBlocks: {} } }
        : event,
    );
    const state = reduceAll(initialViewState({ now: START_AT + 60_000, rows: 30, columns: 160, runId: 'aaaa1111-overlay' }), [
      { type: 'poll', now: START_AT + 60_000, batches: [{ runId: 'aaaa1111-overlay', events: events.map((event, seq) => ({ seq, event })) }] },
    ]);
    expect(state.runOverlays.get('aaaa1111-overlay')).toEqual({ snapshotId: 'e'.repeat(64), applied: 1 });
    const frame = render(<TuiView state={state} />).lastFrame()!;
    expect(frame.match(new RegExp(`overlay ${'e'.repeat(12)} \\(1 lesson\\)`, 'g'))).toHaveLength(2); // detail line and footer
  });
});
