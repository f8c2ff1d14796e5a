import type { PidChecker } from '../runs/index.js';
import { START_CURSOR } from './cursor.js';
import type { ViewState } from './view-state.js';

export interface InitialViewOptions {
  readonly now: number;
  readonly rows?: number;
  readonly columns?: number;
  readonly isPidAlive?: PidChecker;
  readonly staleAfterMs?: number;
  /** Open this run's detail at start (`whaleflow tui RUN`). */
  readonly runId?: string;
}

export function initialViewState(options: InitialViewOptions): ViewState {
  return {
    screen: options.runId ? { kind: 'detail', runId: options.runId } : { kind: 'list' },
    folds: new Map(),
    runOrder: [],
    now: options.now,
    rows: options.rows ?? 24,
    columns: options.columns ?? 100,
    listCursor: START_CURSOR,
    detailCursor: new Map(),
    collapsed: new Map(),
    leafScroll: 0,
    showFullOutput: false,
    leafDetail: null,
    filter: '',
    filtering: false,
    confirmation: null,
    lessons: null,
    lessonCursor: START_CURSOR,
    lessonConfirmation: null,
    runOverlays: new Map(),
    message: null,
    error: null,
    storage: null,
    pendingEffects: [],
    version: 0,
    isPidAlive: options.isPidAlive,
    staleAfterMs: options.staleAfterMs,
  };
}
