import { groupRuns, linkResumes, type NodeOverview, type RunOverview, type RunOverviewFold } from '../runs/index.js';
import { cursorIndex, START_CURSOR } from './cursor.js';
import type { ViewState } from './view-state.js';

/** Lines the header, footer and status line take; the rest is the windowed body. */
export const CHROME_ROWS = 6;

export function bodyHeight(state: Pick<ViewState, 'rows'>): number {
  return Math.max(3, state.rows - CHROME_ROWS);
}

const overviewCache = new WeakMap<RunOverviewFold, { version: number; now: number; overview: RunOverview }>();

/** A fold's overview at the state's clock, recomputed only when the fold or the clock moved. */
export function overviewOf(state: ViewState, fold: RunOverviewFold): RunOverview {
  const cached = overviewCache.get(fold);
  if (cached && cached.version === fold.version && cached.now === state.now) return cached.overview;
  const overview = fold.overview({ now: state.now, isPidAlive: state.isPidAlive, staleAfterMs: state.staleAfterMs });
  overviewCache.set(fold, { version: fold.version, now: state.now, overview });
  return overview;
}

/** The runs the list shows, as ps groups them (running, needs attention, done; newest first in each), narrowed by the filter. */
export function selectListRuns(state: ViewState): RunOverview[] {
  return groupRuns(linkResumes(filteredRuns(state))).flatMap((group) => group.runs);
}

function filteredRuns(state: ViewState): RunOverview[] {
  const needle = state.filter.toLowerCase();
  const runs: RunOverview[] = [];
  for (const runId of state.runOrder) {
    const fold = state.folds.get(runId);
    if (!fold || !fold.hasStarted) continue;
    const overview = overviewOf(state, fold);
    if (needle && ![overview.runId, overview.label, overview.status, overview.sourceFile ?? ''].some((text) => text.toLowerCase().includes(needle))) continue;
    runs.push(overview);
  }
  return runs;
}

export interface TreeRow {
  readonly node: NodeOverview;
  readonly depth: number;
  readonly hasChildren: boolean;
  readonly collapsed: boolean;
}

const NO_COLLAPSED: ReadonlySet<string> = new Set();
const rowsCache = new WeakMap<RunOverviewFold, { version: number; collapsed: ReadonlySet<string>; filter: string; rows: TreeRow[] }>();

/**
 * The detail tree flattened to the rows that are visible (collapsed branches hide their
 * subtree; a filter shows matching nodes flat). Cached per fold version, so moving the
 * cursor over a 1,000-leaf run does not re-walk it.
 */
export function selectDetailRows(state: ViewState, runId: string): TreeRow[] {
  const fold = state.folds.get(runId);
  if (!fold) return [];
  const collapsed = state.collapsed.get(runId) ?? NO_COLLAPSED;
  const cached = rowsCache.get(fold);
  if (cached && cached.version === fold.version && cached.collapsed === collapsed && cached.filter === state.filter) return cached.rows;
  const rows = state.filter ? filteredRows(fold, state.filter.toLowerCase()) : treeRows(fold, collapsed);
  rowsCache.set(fold, { version: fold.version, collapsed, filter: state.filter, rows });
  return rows;
}

function treeRows(fold: RunOverviewFold, collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  // Iterative depth-first walk: deep workflows must not exhaust the stack.
  const stack: { nodeId: string; depth: number }[] = [...fold.roots()].reverse().map((nodeId) => ({ nodeId, depth: 0 }));
  while (stack.length > 0) {
    const { nodeId, depth } = stack.pop()!;
    const node = fold.node(nodeId);
    if (!node) continue;
    const isCollapsed = collapsed.has(nodeId);
    rows.push({ node, depth, hasChildren: node.childIds.length > 0, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (let index = node.childIds.length - 1; index >= 0; index -= 1) stack.push({ nodeId: node.childIds[index]!, depth: depth + 1 });
  }
  return rows;
}

function filteredRows(fold: RunOverviewFold, needle: string): TreeRow[] {
  return treeRows(fold, NO_COLLAPSED)
    .filter((row) => [row.node.nodeId, row.node.status, row.node.role ?? ''].some((text) => text.toLowerCase().includes(needle)))
    .map((row) => ({ ...row, depth: 0 }));
}

/** The slice of rows to draw so the cursor stays visible: [start, end). */
export function visibleWindow(total: number, cursor: number, height: number): { start: number; end: number } {
  if (total <= height) return { start: 0, end: total };
  const start = Math.min(Math.max(0, cursor - Math.floor(height / 2)), total - height);
  return { start, end: start + height };
}

export const runIdOf = (run: RunOverview): string => run.runId;
export const rowNodeIdOf = (row: TreeRow): string => row.node.nodeId;

/** The list row the cursor is on (the selected run's row while it is shown). */
export function listCursorIndex(state: ViewState, runs: readonly RunOverview[] = selectListRuns(state)): number {
  return cursorIndex(state.listCursor, runs, runIdOf);
}

/** The run the list cursor is on, if any. */
export function selectedListRun(state: ViewState): RunOverview | undefined {
  const runs = selectListRuns(state);
  return runs[listCursorIndex(state, runs)];
}

/** The tree row the run's cursor is on (the selected node's row while it is shown). */
export function detailCursorIndex(state: ViewState, runId: string, rows: readonly TreeRow[] = selectDetailRows(state, runId)): number {
  return cursorIndex(state.detailCursor.get(runId) ?? START_CURSOR, rows, rowNodeIdOf);
}

export function selectedTreeRow(state: ViewState, runId: string): TreeRow | undefined {
  const rows = selectDetailRows(state, runId);
  return rows[detailCursorIndex(state, runId, rows)];
}

/** A running leaf with no activity for `staleMs`. */
export function isStaleLeaf(node: NodeOverview, now: number, staleMs: number): boolean {
  if (node.status !== 'running' || node.kind !== 'leaf') return false;
  const lastProgress = Math.max(node.startedAt ?? 0, node.lastActivityAt ?? 0);
  return now - lastProgress > staleMs;
}
