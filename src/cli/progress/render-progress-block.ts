import { escapeTerminalLine } from '../../util/index.js';
import { formatElapsed, formatOverviewCost, formatSlowest, formatTokenCount, type NodeOverview, type RunOverview } from '../../runs/index.js';

/** Running leaves listed in the block; the rest are counted. */
export const MAX_LISTED_RUNNING = 5;
const BAR_WIDTH = 24;

/** `[██████░░░░] 6/10` */
export function progressBar(done: number, total: number, width = BAR_WIDTH): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

/**
 * The live block under `whaleflow run` on a terminal: a done/total bar with totals, then the
 * longest-running leaves with their elapsed time and last activity. Pure: the caller redraws.
 */
export function renderProgressBlock(run: RunOverview, running: readonly NodeOverview[], now: number, columns = 100): string[] {
  const failures = run.failures > 0 ? ` · ${run.failures} failed` : '';
  const lines = [
    `${progressBar(run.leavesDone, run.leavesTotal)} leaves${failures} · ${formatElapsed(run.elapsedMs)} · ${formatTokenCount(run.tokens.total)} tok · ${formatOverviewCost(run.costMicrousd)} · memo hits ${run.memoHits}`,
  ];
  const longestFirst = [...running].sort((a, b) => (a.startedAt ?? now) - (b.startedAt ?? now));
  for (const leaf of longestFirst.slice(0, MAX_LISTED_RUNNING)) {
    const activity = leaf.lastActivity ? ` · ${escapeTerminalLine(leaf.lastActivity)}` : '';
    lines.push(`  ● ${escapeTerminalLine(leaf.nodeId)} ${formatElapsed(now - (leaf.startedAt ?? now))}${activity}`);
  }
  if (longestFirst.length > MAX_LISTED_RUNNING) lines.push(`  … and ${longestFirst.length - MAX_LISTED_RUNNING} more running`);
  const slowest = formatSlowest(run.slowest);
  if (slowest) lines.push(`  ${slowest}`);
  return lines.map((line) => (line.length > columns ? `${line.slice(0, columns - 1)}…` : line));
}
