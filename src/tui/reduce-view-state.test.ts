import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { parseSpec, recordMockRun, REVIEW_FIXTURE, reviewSpec, START_AT } from '../runs/testing/record-mock-run.js';
import { initialViewState } from './initial-view-state.js';
import { reduceViewState } from './reduce-view-state.js';
import { selectDetailRows, selectListRuns } from './select-view.js';
import { wideRunEvents } from './testing/wide-run-events.js';
import type { KeyPress, ViewAction, ViewState } from './view-state.js';

const stored = (events: readonly RunEvent[]) => events.map((event, seq) => ({ seq, event }));
const char = (value: string): ViewAction => ({ type: 'key', key: { name: 'char', char: value } });
const key = (name: Exclude<KeyPress['name'], 'char'>): ViewAction => ({ type: 'key', key: { name } as KeyPress });

function reduceAll(state: ViewState, actions: readonly ViewAction[]): ViewState {
  return actions.reduce(reduceViewState, state);
}

async function withRuns(): Promise<ViewState> {
  const finished = (await recordMockRun(reviewSpec(), { fixture: REVIEW_FIXTURE, runId: 'aaaa-finished' })).events;
  const live = wideRunEvents({ runId: 'bbbb-live', leafCount: 10, leavesPerBranch: 5, startAt: START_AT + 10_000, finishedLeaves: 4, pid: 7 });
  const state = initialViewState({ now: START_AT + 11_000, rows: 30, columns: 160, isPidAlive: () => true });
  return reduceViewState(state, { type: 'poll', now: START_AT + 11_000, batches: [{ runId: 'aaaa-finished', events: stored(finished) }, { runId: 'bbbb-live', events: stored(live) }] });
}

describe('reduceViewState', () => {
  it('folds polled batches into the list: running first, then done', async () => {
    const state = await withRuns();
    expect(selectListRuns(state).map((run) => [run.runId, run.status])).toEqual([
      ['bbbb-live', 'running'],
      ['aaaa-finished', 'succeeded'],
    ]);
    const live = selectListRuns(state)[0]!;
    expect([live.leavesDone, live.leavesTotal, live.leavesRunning]).toEqual([4, 10, 6]);
  });

  it('applies later batches incrementally and ignores events it already has', async () => {
    const events = wideRunEvents({ runId: 'r', leafCount: 6, leavesPerBranch: 3 });
    let state = initialViewState({ now: START_AT, isPidAlive: () => true });
    state = reduceViewState(state, { type: 'poll', now: START_AT, batches: [{ runId: 'r', events: stored(events).slice(0, 10) }] });
    state = reduceViewState(state, { type: 'poll', now: START_AT, batches: [{ runId: 'r', events: stored(events).slice(5) }] });
    expect(state.folds.get('r')!.nextSeq).toBe(events.length);
    expect(selectListRuns(state)[0]!.leavesDone).toBe(6);
  });

  it('opens a run, folds a branch, drills into a leaf and asks for its detail', async () => {
    let state = await withRuns();
    state = reduceAll(state, [key('enter')]);
    expect(state.screen).toEqual({ kind: 'detail', runId: 'bbbb-live' });
    expect(selectDetailRows(state, 'bbbb-live')).toHaveLength(12);
    state = reduceAll(state, [key('enter')]);
    expect(selectDetailRows(state, 'bbbb-live')).toHaveLength(7);
    state = reduceAll(state, [char('j'), char('j')]);
    state = reduceAll(state, [key('enter')]);
    expect(state.screen).toEqual({ kind: 'leaf', runId: 'bbbb-live', nodeId: 'leaf-5' });
    expect(state.pendingEffects).toEqual([{ type: 'load_leaf', runId: 'bbbb-live', nodeId: 'leaf-5' }]);
    state = reduceAll(state, [{ type: 'effects_taken' }, key('escape'), key('left')]);
    expect(state.screen).toEqual({ kind: 'list' });
  });

  it('cancels only after a y, and n aborts', async () => {
    let state = await withRuns();
    state = reduceAll(state, [char('x')]);
    expect(state.confirmation).toEqual({ runId: 'bbbb-live', nodeId: null });
    state = reduceAll(state, [char('n')]);
    expect(state.confirmation).toBeNull();
    expect(state.pendingEffects).toEqual([]);
    state = reduceAll(state, [key('enter'), char('j'), char('j'), char('x')]);
    expect(state.message).toContain('leaf-1 is succeeded');
    state = reduceAll(state, [char('j'), char('j'), char('j'), char('x'), char('y')]);
    expect(state.pendingEffects).toEqual([{ type: 'cancel', runId: 'bbbb-live', nodeId: 'leaf-4' }]);
  });

  it('refuses to cancel a finished run without asking', async () => {
    let state = await withRuns();
    state = reduceAll(state, [char('j'), char('x')]);
    expect(state.confirmation).toBeNull();
    expect(state.message).toContain('succeeded; nothing to cancel');
  });

  it('asks for replay, report and export of the run in focus, and quits on q', async () => {
    let state = await withRuns();
    state = reduceAll(state, [char('j'), char('r'), char('R'), char('e'), char('q')]);
    expect(state.pendingEffects).toEqual([
      { type: 'replay', runId: 'aaaa-finished' },
      { type: 'report', runId: 'aaaa-finished' },
      { type: 'export', runId: 'aaaa-finished' },
      { type: 'quit' },
    ]);
  });

  it('filters the list and the tree with /', async () => {
    let state = await withRuns();
    state = reduceAll(state, [char('/'), char('r'), char('e'), char('v'), key('enter')]);
    expect(selectListRuns(state).map((run) => run.runId)).toEqual(['aaaa-finished']);
    state = reduceAll(state, [char('/'), key('escape'), key('enter'), char('/'), ...'leaf-1'.split('').map(char), key('enter')]);
    expect(selectDetailRows(state, 'bbbb-live').map((row) => row.node.nodeId)).toEqual(['leaf-1']);
  });

  it('shows an interrupted run in the list once its process is gone', async () => {
    const events = wideRunEvents({ runId: 'dead', leafCount: 3, finishedLeaves: 1, pid: 31337 });
    const state = reduceViewState(initialViewState({ now: START_AT + 1000, isPidAlive: (pid) => pid !== 31337 }), { type: 'poll', now: START_AT + 1000, batches: [{ runId: 'dead', events: stored(events) }] });
    expect(selectListRuns(state)[0]!.status).toBe('interrupted');
  });

  it('keeps the cursor inside the rows and moves a page at a time', async () => {
    const events = wideRunEvents({ runId: 'big', leafCount: 1000 });
    let state = reduceViewState(initialViewState({ now: START_AT, rows: 20, isPidAlive: () => true, runId: 'big' }), { type: 'poll', now: START_AT, batches: [{ runId: 'big', events: stored(events) }] });
    state = reduceAll(state, [char('G')]);
    expect(state.detailCursor.get('big')).toEqual({ id: 'leaf-999', index: 1019 });
    state = reduceAll(state, [char('j'), key('page_up')]);
    expect(state.detailCursor.get('big')?.index).toBe(1019 - 14);
  });
});

describe('the cursor follows a run (and a node), not a row', () => {
  it('when a new run appears above the selected one, R, e and x still act on the selected run', async () => {
    let state = await withRuns();
    // Running first: bbbb-live, then aaaa-finished. Select the live run's neighbour below it, then back up.
    state = reduceAll(state, [char('j'), char('k')]);
    expect(state.listCursor.id).toBe('bbbb-live');
    // A newer run starts: it sorts above the selection (newest first in the running group).
    const newer = wideRunEvents({ runId: 'cccc-newer', leafCount: 2, startAt: START_AT + 10_500, finishedLeaves: 0, pid: 8 });
    state = reduceViewState(state, { type: 'poll', now: START_AT + 11_500, batches: [{ runId: 'cccc-newer', events: stored(newer) }] });
    expect(selectListRuns(state).map((run) => run.runId)).toEqual(['cccc-newer', 'bbbb-live', 'aaaa-finished']);
    state = reduceAll(state, [char('R'), char('e'), char('x')]);
    expect(state.pendingEffects).toEqual([
      { type: 'report', runId: 'bbbb-live' },
      { type: 'export', runId: 'bbbb-live' },
    ]);
    expect(state.confirmation).toEqual({ runId: 'bbbb-live', nodeId: null });
    // Moving goes on from the selected run's new row.
    state = reduceAll(state, [char('n'), { type: 'effects_taken' }, char('j'), char('R')]);
    expect(state.pendingEffects).toEqual([{ type: 'report', runId: 'aaaa-finished' }]);
  });

  it('the first run shown is selected by id at once: a run starting above it before any key press does not take the cursor', async () => {
    const first = wideRunEvents({ runId: 'aaaa-first', leafCount: 2, startAt: START_AT, finishedLeaves: 0, pid: 7 });
    let state = reduceViewState(initialViewState({ now: START_AT + 1000, isPidAlive: () => true }), { type: 'poll', now: START_AT + 1000, batches: [{ runId: 'aaaa-first', events: stored(first) }] });
    const newer = wideRunEvents({ runId: 'bbbb-newer', leafCount: 2, startAt: START_AT + 5000, finishedLeaves: 0, pid: 8 });
    state = reduceViewState(state, { type: 'poll', now: START_AT + 6000, batches: [{ runId: 'bbbb-newer', events: stored(newer) }] });
    expect(selectListRuns(state)[0]!.runId).toBe('bbbb-newer');
    state = reduceAll(state, [char('x')]);
    expect(state.confirmation).toEqual({ runId: 'aaaa-first', nodeId: null });
  });

  it('a run that moves from running to done keeps the cursor', async () => {
    let state = await withRuns();
    expect(state.listCursor.id).toBe('bbbb-live');
    // The live run finishes: it moves below into Done, after... it is now the newest done run.
    const rest = wideRunEvents({ runId: 'bbbb-live', leafCount: 10, leavesPerBranch: 5, startAt: START_AT + 10_000, pid: 7, finished: true });
    state = reduceViewState(state, { type: 'poll', now: START_AT + 30_000, batches: [{ runId: 'bbbb-live', events: stored(rest) }] });
    state = reduceAll(state, [char('e')]);
    expect(state.pendingEffects).toEqual([{ type: 'export', runId: 'bbbb-live' }]);
  });

  it('in the tree, x cancels the selected node when an expand adds rows above it', async () => {
    const spec = parseSpec({
      id: 'grow',
      goal: 'expand, then a last step',
      nodes: [
        { kind: 'expand', spec: { id: 'more', source: 'list the steps', max_children: 3, template: { kind: 'leaf', spec: { id: 'step', prompt: 'do a step' } } } },
        { kind: 'leaf', spec: { id: 'last', prompt: 'finish' } },
      ],
    });
    const { events } = await recordMockRun(spec, { runId: 'grow' });
    const alive: RunEvent = { type: 'heartbeat', runId: 'grow', at: START_AT, pid: 9 };
    const expanded = events.findIndex((event) => event.type === 'node_started' && event.nodeId === 'step_1');
    const lastStarts = events.findIndex((event) => event.type === 'node_started' && event.nodeId === 'last');
    let state = initialViewState({ now: START_AT, rows: 40, isPidAlive: () => true, runId: 'grow' });
    state = reduceViewState(state, { type: 'poll', now: START_AT, batches: [{ runId: 'grow', events: stored([alive, ...events.slice(0, expanded)]) }] });
    expect(selectDetailRows(state, 'grow').map((row) => row.node.nodeId)).toEqual(['more', 'last']);
    state = reduceAll(state, [char('j')]);
    // The expansion runs: three leaves appear above the selected `last`.
    const later = stored([alive, ...events.slice(0, lastStarts)]).slice(expanded + 1);
    state = reduceViewState(state, { type: 'poll', now: START_AT, batches: [{ runId: 'grow', events: later }] });
    expect(selectDetailRows(state, 'grow').map((row) => row.node.nodeId)).toEqual(['more', 'step_1', 'step_2', 'step_3', 'last']);
    state = reduceAll(state, [char('x'), char('y')]);
    expect(state.pendingEffects).toEqual([{ type: 'cancel', runId: 'grow', nodeId: 'last' }]);
  });
});

describe('fitText', () => {
  it('fits display width: wide characters take two columns, the ellipsis marks a cut', async () => {
    const { fitText } = await import('./components/node-facts.js');
    expect(fitText('abcdef', 4)).toBe('abc…');
    expect(fitText('abc', 4)).toBe('abc');
    expect(fitText('漢字漢字', 5)).toBe('漢…');
    expect(fitText('a\nb', 10)).toBe('a⏎ b');
  });
});

describe('toKeyPresses', () => {
  it('splits characters that arrived in one read into separate presses', async () => {
    const { toKeyPresses } = await import('./key-press.js');
    const noKey = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false } as Parameters<typeof toKeyPresses>[1];
    expect(toKeyPresses('jx', noKey)).toEqual([{ name: 'char', char: 'j' }, { name: 'char', char: 'x' }]);
    expect(toKeyPresses('', { ...noKey, return: true })).toEqual([{ name: 'enter' }]);
    expect(toKeyPresses('j\r', noKey)).toEqual([{ name: 'char', char: 'j' }, { name: 'enter' }]);
    expect(toKeyPresses('c', { ...noKey, ctrl: true })).toEqual([]);
  });
});
