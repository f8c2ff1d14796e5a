import { assertNever } from '../util/index.js';
import { moveCursor, START_CURSOR } from './cursor.js';
import { bodyHeight, overviewOf, rowNodeIdOf, runIdOf, selectDetailRows, selectedListRun, selectedTreeRow, selectListRuns } from './select-view.js';
import { openLessons, reduceLessonConfirmation, reduceLessonsKey } from './reduce-lessons-key.js';
import { cursorStep } from './cursor-step.js';
import type { KeyPress, Screen, ViewEffect, ViewState } from './view-state.js';

/** One key press: the confirmation prompt and the filter line take keys first, then the screen. */
export function reduceKey(state: ViewState, key: KeyPress): ViewState {
  if (state.confirmation) return reduceConfirmation(state, key);
  if (state.lessonConfirmation) return reduceLessonConfirmation(state, key);
  if (state.filtering) return reduceFilterTyping(state, key);
  const cleared = state.message || state.error ? { ...state, message: null, error: null } : state;
  if (key.name === 'char' && key.char === 'q') return request(cleared, { type: 'quit' });
  if (key.name === 'char' && key.char === '/') return { ...cleared, filtering: true };
  const screen = cleared.screen;
  switch (screen.kind) {
    case 'list':
      return reduceListKey(cleared, key);
    case 'detail':
      return reduceDetailKey(cleared, screen.runId, key);
    case 'leaf':
      return reduceLeafKey(cleared, screen, key);
    case 'lessons':
      return reduceLessonsKey(cleared, key);
    default:
      return assertNever(screen);
  }
}

function request(state: ViewState, effect: ViewEffect): ViewState {
  return { ...state, pendingEffects: [...state.pendingEffects, effect] };
}

function reduceConfirmation(state: ViewState, key: KeyPress): ViewState {
  const confirmation = state.confirmation!;
  if (key.name === 'char' && (key.char === 'y' || key.char === 'Y')) {
    return request({ ...state, confirmation: null, message: 'cancel requested…' }, { type: 'cancel', runId: confirmation.runId, nodeId: confirmation.nodeId });
  }
  return { ...state, confirmation: null, message: 'cancel aborted' };
}

function reduceFilterTyping(state: ViewState, key: KeyPress): ViewState {
  if (key.name === 'enter') return { ...state, filtering: false, listCursor: START_CURSOR };
  if (key.name === 'escape') return { ...state, filtering: false, filter: '', listCursor: START_CURSOR };
  if (key.name === 'backspace') return { ...state, filter: state.filter.slice(0, -1) };
  if (key.name === 'char') return { ...state, filter: state.filter + key.char, listCursor: START_CURSOR };
  return state;
}

/** Keys every screen with a run in focus shares: r replay, R report, e export. */
function runCommand(state: ViewState, runId: string, key: KeyPress): ViewState | undefined {
  if (key.name !== 'char') return undefined;
  if (key.char === 'r') {
    // A run without a result has nothing to replay against: say so instead of starting a replay that can only diverge.
    const refusal = replayRefusal(state, runId);
    if (refusal) return { ...state, message: refusal };
    return request({ ...state, message: `replaying ${runId.slice(0, 8)}…` }, { type: 'replay', runId });
  }
  if (key.char === 'R') return request(state, { type: 'report', runId });
  if (key.char === 'e') return request(state, { type: 'export', runId });
  return undefined;
}

/** Why `r` on this run would not replay it (still running, or never finished), or undefined. */
function replayRefusal(state: ViewState, runId: string): string | undefined {
  const fold = state.folds.get(runId);
  if (!fold || fold.isFinished) return undefined;
  const overview = overviewOf(state, fold);
  if (overview.status === 'running') return `run ${runId.slice(0, 8)} is still running: replay it once it has finished`;
  // A replay is never resumed: the way to its verdict is to replay what it checked again.
  if (overview.mode === 'replay' && overview.parentRunId) return `run ${runId.slice(0, 8)} is a replay that never finished: replay ${overview.parentRunId.slice(0, 8)} again`;
  return `run ${runId.slice(0, 8)} never finished, so a replay has nothing to compare with: resume it first`;
}

function reduceListKey(state: ViewState, key: KeyPress): ViewState {
  const runs = selectListRuns(state);
  const step = cursorStep(key, bodyHeight(state));
  if (step !== 0) return { ...state, listCursor: moveCursor(state.listCursor, runs, runIdOf, step) };
  if (key.name === 'char' && key.char === 'L') return openLessons(state);
  const run = selectedListRun(state);
  if (!run) return state;
  if (key.name === 'enter' || key.name === 'right') return { ...state, screen: { kind: 'detail', runId: run.runId }, filter: '' };
  if (key.name === 'char' && key.char === 'x') return askCancel(state, run.runId, null, run.status);
  return runCommand(state, run.runId, key) ?? state;
}

function askCancel(state: ViewState, runId: string, nodeId: string | null, status: string): ViewState {
  if (status !== 'running') return { ...state, message: `${nodeId ?? `run ${runId.slice(0, 8)}`} is ${status}; nothing to cancel` };
  return { ...state, confirmation: { runId, nodeId } };
}

function reduceDetailKey(state: ViewState, runId: string, key: KeyPress): ViewState {
  const rows = selectDetailRows(state, runId);
  const step = cursorStep(key, bodyHeight(state));
  if (step !== 0) return { ...state, detailCursor: new Map(state.detailCursor).set(runId, moveCursor(state.detailCursor.get(runId) ?? START_CURSOR, rows, rowNodeIdOf, step)) };
  if (key.name === 'escape' || key.name === 'left' || key.name === 'backspace') {
    return state.filter ? { ...state, filter: '' } : { ...state, screen: { kind: 'list' } };
  }
  const row = selectedTreeRow(state, runId);
  const fold = state.folds.get(runId);
  if (row && (key.name === 'enter' || key.name === 'right' || (key.name === 'char' && key.char === ' '))) {
    if (row.hasChildren && !(key.name === 'right' && !row.collapsed)) return toggleCollapsed(state, runId, row.node.nodeId);
    if (row.node.kind === 'leaf' && key.name !== 'char') {
      return request({ ...state, screen: { kind: 'leaf', runId, nodeId: row.node.nodeId }, leafScroll: 0, showFullOutput: false, leafDetail: null }, { type: 'load_leaf', runId, nodeId: row.node.nodeId });
    }
    return state;
  }
  if (key.name === 'char' && key.char === 'x') {
    const runStatus = fold?.isFinished ? 'finished' : 'running';
    if (!row) return askCancel(state, runId, null, runStatus);
    return askCancel(state, runId, row.node.nodeId, runStatus === 'running' && (row.node.status === 'running' || row.node.status === 'pending') ? 'running' : row.node.status);
  }
  if (key.name === 'char' && key.char === 'X') return askCancel(state, runId, null, fold?.isFinished ? 'finished' : 'running');
  return runCommand(state, runId, key) ?? state;
}

function toggleCollapsed(state: ViewState, runId: string, nodeId: string): ViewState {
  const current = new Set(state.collapsed.get(runId) ?? []);
  if (current.has(nodeId)) current.delete(nodeId);
  else current.add(nodeId);
  return { ...state, collapsed: new Map(state.collapsed).set(runId, current) };
}

function reduceLeafKey(state: ViewState, screen: Extract<Screen, { kind: 'leaf' }>, key: KeyPress): ViewState {
  if (key.name === 'escape' || key.name === 'left' || key.name === 'backspace') return { ...state, screen: { kind: 'detail', runId: screen.runId }, leafDetail: null };
  const step = cursorStep(key, bodyHeight(state));
  if (step !== 0) return { ...state, leafScroll: Math.max(0, Math.min(state.leafScroll + step, 1_000_000)) };
  if (key.name === 'char' && key.char === 'o') return { ...state, showFullOutput: !state.showFullOutput, leafScroll: 0 };
  if (key.name === 'char' && key.char === 'x') {
    const fold = state.folds.get(screen.runId);
    const node = fold?.node(screen.nodeId);
    const status = fold?.isFinished ? 'finished' : node && (node.status === 'running' || node.status === 'pending') ? 'running' : (node?.status ?? 'unknown');
    return askCancel(state, screen.runId, screen.nodeId, status);
  }
  return runCommand(state, screen.runId, key) ?? state;
}
