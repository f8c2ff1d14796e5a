// The terminal UI: a pure view-state reducer (testable without Ink) and thin Ink components.
// It only reads the trace store and writes cancel requests; it never talks to a provider.
export { reduceViewState } from './reduce-view-state.js';
export { initialViewState, type InitialViewOptions } from './initial-view-state.js';
export { StorePoller, DEFAULT_LIST_LIMIT } from './store-poller.js';
export { selectListRuns, selectDetailRows, visibleWindow, bodyHeight, type TreeRow } from './select-view.js';
export { TuiView } from './components/tui-view.js';
export { TuiApp, POLL_INTERVAL_MS, type TuiAppProps } from './tui-app.js';
export { startTui, type StartTuiOptions } from './start-tui.js';
export type { LessonSource, LessonsSnapshot, LessonRow } from './lesson-source.js';
export type { ViewState, ViewAction, ViewEffect, KeyPress, Screen, EventBatch, LeafDetail } from './view-state.js';
