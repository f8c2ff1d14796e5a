import { RunOverviewFold } from '../runs/index.js';
import { assertNever } from '../util/index.js';
import { pinCursor, START_CURSOR } from './cursor.js';
import { reduceKey } from './reduce-key.js';
import { lessonIdOf, selectLessons } from './reduce-lessons-key.js';
import { rowNodeIdOf, runIdOf, selectDetailRows, selectListRuns } from './select-view.js';
import type { EventBatch, RunOverlayBadge, ViewAction, ViewState } from './view-state.js';

/**
 * The TUI's whole behaviour as a pure function of (state, action): event batches from the
 * store poller, key presses, clock ticks, terminal resizes and the results of side effects.
 * Side effects (cancel, replay, report, export, loading a leaf) are requested through
 * `pendingEffects`, which the shell performs and acknowledges with `effects_taken`.
 */
export function reduceViewState(state: ViewState, action: ViewAction): ViewState {
  const next = reduceAction(state, action);
  return next === state ? state : pinSelection(next);
}

function reduceAction(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'poll':
      return applyBatches({ ...state, now: action.now }, action.batches);
    case 'tick':
      return action.now === state.now ? state : { ...state, now: action.now, version: state.version + 1 };
    case 'key':
      return { ...reduceKey(state, action.key), version: state.version + 1 };
    case 'resize':
      return { ...state, rows: action.rows, columns: action.columns, version: state.version + 1 };
    case 'effects_taken':
      return state.pendingEffects.length === 0 ? state : { ...state, pendingEffects: [] };
    case 'leaf_loaded':
      return { ...state, leafDetail: action.detail, version: state.version + 1 };
    case 'lessons_loaded':
      return { ...state, lessons: action.lessons, version: state.version + 1 };
    case 'message':
      return { ...state, message: action.text, error: null, version: state.version + 1 };
    case 'error':
      return { ...state, error: action.text, version: state.version + 1 };
    case 'storage':
      return action.text === state.storage ? state : { ...state, storage: action.text, version: state.version + 1 };
    default:
      return assertNever(action);
  }
}

/** Feeds each run's new events to its fold (created on first sight); new runs join the list newest first. */
function applyBatches(state: ViewState, batches: readonly EventBatch[]): ViewState {
  let folds = state.folds;
  let runOverlays = state.runOverlays;
  let newRuns = false;
  for (const batch of batches) {
    const badge = overlayBadgeOf(batch);
    if (badge) runOverlays = new Map(runOverlays).set(batch.runId, badge);
    let fold = folds.get(batch.runId);
    if (!fold) {
      if (folds === state.folds) folds = new Map(folds);
      fold = new RunOverviewFold(batch.runId);
      (folds as Map<string, RunOverviewFold>).set(batch.runId, fold);
      newRuns = true;
    }
    fold.applyReadable({ events: [...batch.events], damaged: batch.damaged ?? [] });
  }
  const runOrder = newRuns ? orderNewestFirst(folds) : state.runOrder;
  return { ...state, folds, runOrder, runOverlays, version: state.version + 1 };
}

/** The overlay a run recorded in run_started (replay and resume record the one they re-apply). */
function overlayBadgeOf(batch: EventBatch): RunOverlayBadge | undefined {
  for (const { event } of batch.events) {
    if (event.type === 'run_started') return event.overlay ? { snapshotId: event.overlay.snapshotId, applied: event.overlay.lessons.length } : undefined;
  }
  return undefined;
}

/**
 * Binds the cursor of the screen in view to the item it shows, after every change: from then
 * on it follows that run (or node) by id, so rows appearing above it never move the selection.
 */
function pinSelection(state: ViewState): ViewState {
  const screen = state.screen;
  if (screen.kind === 'list') {
    const listCursor = pinCursor(state.listCursor, selectListRuns(state), runIdOf);
    return listCursor === state.listCursor ? state : { ...state, listCursor };
  }
  if (screen.kind === 'lessons') {
    const lessonCursor = pinCursor(state.lessonCursor, selectLessons(state), lessonIdOf);
    return lessonCursor === state.lessonCursor ? state : { ...state, lessonCursor };
  }
  if (screen.kind === 'detail') {
    const current = state.detailCursor.get(screen.runId) ?? START_CURSOR;
    const pinned = pinCursor(current, selectDetailRows(state, screen.runId), rowNodeIdOf);
    return pinned === current && state.detailCursor.has(screen.runId) ? state : { ...state, detailCursor: new Map(state.detailCursor).set(screen.runId, pinned) };
  }
  return state;
}

function orderNewestFirst(folds: ReadonlyMap<string, RunOverviewFold>): string[] {
  const started = [...folds.values()].map((fold) => ({ runId: fold.runId, at: fold.startedAt ?? 0 }));
  return started.sort((a, b) => b.at - a.at || a.runId.localeCompare(b.runId)).map((entry) => entry.runId);
}
