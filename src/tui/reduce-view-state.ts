import { RunOverviewFold } from '../runs/index.js';
import { assertNever } from '../util/index.js';
import { reduceKey } from './reduce-key.js';
import type { EventBatch, ViewAction, ViewState } from './view-state.js';

/**
 * The TUI's whole behaviour as a pure function of (state, action): event batches from the
 * store poller, key presses, clock ticks, terminal resizes and the results of side effects.
 * Side effects (cancel, replay, report, export, loading a leaf) are requested through
 * `pendingEffects`, which the shell performs and acknowledges with `effects_taken`.
 */
export function reduceViewState(state: ViewState, action: ViewAction): ViewState {
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
    case 'message':
      return { ...state, message: action.text, error: null, version: state.version + 1 };
    case 'error':
      return { ...state, error: action.text, version: state.version + 1 };
    default:
      return assertNever(action);
  }
}

/** Feeds each run's new events to its fold (created on first sight); new runs join the list newest first. */
function applyBatches(state: ViewState, batches: readonly EventBatch[]): ViewState {
  let folds = state.folds;
  let newRuns = false;
  for (const batch of batches) {
    let fold = folds.get(batch.runId);
    if (!fold) {
      if (folds === state.folds) folds = new Map(folds);
      fold = new RunOverviewFold(batch.runId);
      (folds as Map<string, RunOverviewFold>).set(batch.runId, fold);
      newRuns = true;
    }
    fold.applyStored(batch.events);
  }
  const runOrder = newRuns ? orderNewestFirst(folds) : state.runOrder;
  return { ...state, folds, runOrder, version: state.version + 1 };
}

function orderNewestFirst(folds: ReadonlyMap<string, RunOverviewFold>): string[] {
  const started = [...folds.values()].map((fold) => ({ runId: fold.runId, at: fold.startedAt ?? 0 }));
  return started.sort((a, b) => b.at - a.at || a.runId.localeCompare(b.runId)).map((entry) => entry.runId);
}
