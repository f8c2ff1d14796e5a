import { escapeTerminalLine } from '../util/index.js';
import { formatElapsed, formatLeafProgress, formatOverviewCost, formatSlowest, formatTokenCount } from './format-overview.js';
import { statusGlyph } from './status-glyph.js';
import { groupRuns } from './group-runs.js';
import type { RunOverview } from './run-overview.js';

/** One line per run, shared by ps and the TUI list. The label is the workflow's (or a model-written plan's): escaped. */
export function renderRunLine(run: RunOverview): string {
  const label = escapeTerminalLine(run.label);
  const cells = [
    `${statusGlyph(run.status)} ${escapeTerminalLine(run.shortId)}`,
    label.length > 18 ? `${label.slice(0, 17)}…` : label.padEnd(18),
    run.status.padEnd(11),
    formatLeafProgress(run).padEnd(12),
    formatElapsed(run.elapsedMs).padStart(6),
    `${formatTokenCount(run.tokens.total)} tok`.padStart(9),
    formatOverviewCost(run.costMicrousd).padStart(8),
    `memo ${run.memoHits}`,
    formatSlowest(run.slowest),
  ];
  return cells.join('  ').trimEnd();
}

/** The `whaleflow ps` text: groups with a title, one line per run, the next action under each run that needs one. */
export function renderRunList(runs: readonly RunOverview[]): string {
  if (runs.length === 0) return 'No runs yet. Start one with `whaleflow run FILE` (add --background to detach).\n';
  const lines: string[] = [];
  for (const group of groupRuns(runs)) {
    lines.push(`${group.title} (${group.runs.length})`);
    for (const run of group.runs) {
      lines.push(`  ${renderRunLine(run)}`);
      if (run.resumedAs) lines.push(`      resumed as ${run.resumedAs.shortId} (${run.resumedAs.status})${run.suggestedAction ? `; → ${escapeTerminalLine(run.suggestedAction)}` : ''}`);
      else if (run.status === 'interrupted' && run.suggestedAction) lines.push(`      interrupted: its process is gone; → ${escapeTerminalLine(run.suggestedAction)}`);
      if (run.status === 'damaged') lines.push(`      damaged: ${escapeTerminalLine(run.damage ?? '')}; → ${escapeTerminalLine(run.suggestedAction ?? '')}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
