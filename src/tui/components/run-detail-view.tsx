import { Box, Text } from 'ink';
import { formatElapsed, statusGlyph } from '../../runs/index.js';
import { escapeTerminalLine as line } from '../../util/index.js';
import { bodyHeight, detailCursorIndex, isStaleLeaf, overviewOf, selectDetailRows, visibleWindow, type TreeRow } from '../select-view.js';
import { STALE_LEAF_MS, type ViewState } from '../view-state.js';
import { overlayBadgeText } from './footer.js';
import { TextBlock } from './text-block.js';
import { fitText, nodeCost, nodeElapsed, nodeTokens } from './node-facts.js';

/** A run's workflow tree: branches collapsible, one row per node, only the visible window drawn. */
export function RunDetailView({ state, runId }: { readonly state: ViewState; readonly runId: string }) {
  const fold = state.folds.get(runId);
  if (!fold || !fold.hasStarted) return <Text color="red">Run {line(runId)} is not in the trace store (yet).</Text>;
  const run = overviewOf(state, fold);
  const overlay = state.runOverlays.get(runId);
  const rows = selectDetailRows(state, runId);
  const cursor = detailCursorIndex(state, runId, rows);
  const window = visibleWindow(rows.length, cursor, bodyHeight(state) - 1);
  const visible = rows.slice(window.start, window.end);
  // A run that is no longer live (finished or interrupted) has a frozen clock: its last sign of life.
  const live = run.status === 'running';
  const clock = live ? state.now : run.startedAt + run.elapsedMs;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {statusGlyph(run.status)} {line(run.label)} — {run.status} — {line(run.shortId)} — {formatElapsed(run.elapsedMs)}
        {run.suggestedAction && run.status === 'interrupted' ? `  → ${line(run.suggestedAction)}` : ''}
      </Text>
      <Text dimColor wrap="truncate">
        {state.filter ? `nodes matching "${line(state.filter)}"` : `${rows.length} rows`} · {window.start + 1}-{window.end}
        {overlay ? ` · ${overlayBadgeText(overlay)}` : ''} · Enter open/fold · x cancel node · X cancel run
      </Text>
      <TextBlock lines={visible.map((row, offset) => ({ text: fitText(treeRowText(row, clock, live), state.columns - 1), selected: window.start + offset === cursor }))} />
    </Box>
  );
}

/**
 * One tree row: indent, fold marker, glyph, id, then role, model, tokens, cost, memo hits,
 * elapsed and last activity. In a run that is not live, a node left running shows `!`.
 */
export function treeRowText(row: TreeRow, now: number, live = true): string {
  const { node } = row;
  const marker = row.hasChildren ? (row.collapsed ? '▸ ' : '▾ ') : '  ';
  const glyph = !live && node.status === 'running' ? '!' : statusGlyph(node.status);
  const head = `${'  '.repeat(row.depth)}${marker}${glyph} ${node.nodeId}`;
  const facts =
    node.kind === 'leaf'
      ? [node.role ?? '', node.model ?? '', node.worker ? `on ${node.worker}` : '', nodeTokens(node), nodeCost(node), node.memoHits > 0 ? `memo ${node.memoHits}` : '', nodeElapsed(node, now)]
      : [node.kind, row.collapsed ? `${node.childIds.length} children` : '', nodeElapsed(node, now)];
  const activity = node.status === 'running' && node.lastActivity ? `· ${node.lastActivity}` : node.error ? `· ${node.error}` : '';
  const stale = live && isStaleLeaf(node, now, STALE_LEAF_MS) ? ' [stale]' : '';
  return `${head.padEnd(32)} ${facts.filter(Boolean).join('  ')} ${activity}${stale}`.trimEnd();
}
