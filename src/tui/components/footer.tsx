import { Box, Text } from 'ink';
import { formatElapsed, formatLeafProgress, formatOverviewCost, formatSlowest, formatTokenCount, groupOfRun, type RunOverview } from '../../runs/index.js';
import { overviewOf, selectListRuns } from '../select-view.js';
import type { RunOverlayBadge, ViewState } from '../view-state.js';
import { fitText } from './node-facts.js';

const KEYS: Readonly<Record<ViewState['screen']['kind'], string>> = {
  list: '↑↓/jk move · Enter open · x cancel · r replay · R report · e export · L lessons · / filter · q quit',
  detail: '↑↓/jk move · Enter open/fold · Esc back · x cancel node · X cancel run · r replay · R report · e export · / filter · q quit',
  leaf: '↑↓/jk scroll · o full output · Esc back · x cancel leaf · r replay · R report · e export · q quit',
  lessons: '↑↓/jk move · p promote · v revert · l reload · Esc back · q quit',
};

/** Totals (and budget used/left) for the run in focus, or for all runs on the list; then the keys. */
export function Footer({ state }: { readonly state: ViewState }) {
  const screen = state.screen;
  const runId = screen.kind === 'detail' || screen.kind === 'leaf' ? screen.runId : undefined;
  const fold = runId === undefined ? undefined : state.folds.get(runId);
  const totals = fold && fold.hasStarted ? runTotals(overviewOf(state, fold), state.runOverlays.get(fold.runId)) : listTotals(selectListRuns(state));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">{fitText(totals, state.columns)}</Text>
      {state.storage !== null && screen.kind === 'list' ? (
        <Text dimColor wrap="truncate">
          {fitText(state.storage, state.columns)}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate">
        {fitText(KEYS[screen.kind], state.columns)}
      </Text>
    </Box>
  );
}

export function runTotals(run: RunOverview, overlay?: RunOverlayBadge): string {
  const parts = [
    formatLeafProgress(run),
    `${run.leavesRunning} running`,
    `${formatTokenCount(run.tokens.total)} tok`,
    `cost ${formatOverviewCost(run.costMicrousd)}`,
    overlay ? overlayBadgeText(overlay) : '',
    budgetText(run),
    `memo hits ${run.memoHits}`,
    formatElapsed(run.elapsedMs),
    formatSlowest(run.slowest),
  ];
  return parts.filter(Boolean).join(' · ');
}

/** "overlay 1a2b3c4d5e6f (2 lessons)": the snapshot a run applied. */
export function overlayBadgeText(overlay: RunOverlayBadge): string {
  return `overlay ${overlay.snapshotId.slice(0, 12)} (${overlay.applied} lesson${overlay.applied === 1 ? '' : 's'})`;
}

/** "budget: 12.0k/50.0k tok (38.0k left)"; nothing when the spec declares no budget. */
export function budgetText(run: RunOverview): string {
  const parts: string[] = [];
  const { maxTokens, maxCostMicrousd } = run.budget;
  if (maxTokens !== null) parts.push(`${formatTokenCount(run.tokens.total)}/${formatTokenCount(maxTokens)} tok (${formatTokenCount(Math.max(0, maxTokens - run.tokens.total))} left)`);
  if (maxCostMicrousd !== null) {
    const left = run.costMicrousd === null ? 'unknown' : formatOverviewCost(Math.max(0, maxCostMicrousd - run.costMicrousd));
    parts.push(`${formatOverviewCost(run.costMicrousd)}/${formatOverviewCost(maxCostMicrousd)} (${left} left)`);
  }
  return parts.length > 0 ? `budget: ${parts.join(', ')}` : '';
}

function listTotals(runs: readonly RunOverview[]): string {
  const running = runs.filter((run) => groupOfRun(run) === 'running').length;
  const attention = runs.filter((run) => groupOfRun(run) === 'needs_attention').length;
  const tokens = runs.reduce((sum, run) => sum + run.tokens.total, 0);
  const unknownCost = runs.some((run) => run.costMicrousd === null);
  const cost = unknownCost ? 'unknown' : formatOverviewCost(runs.reduce((sum, run) => sum + (run.costMicrousd ?? 0), 0));
  return `${runs.length} runs · ${running} running · ${attention} need attention · ${formatTokenCount(tokens)} tok · cost ${cost}`;
}
