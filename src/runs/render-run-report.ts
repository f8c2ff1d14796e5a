import { assertNever, escapeTerminalLine, escapeTerminalText, terminalSafeJson } from '../util/index.js';
import type { ReportLeaf, RunReport } from './build-run-report.js';
import { overlayLessonLines, overlaySummary } from './describe-run-overlay.js';
import { formatCost, formatTimestamp } from './format-run-facts.js';

export type ReportFormat = TextReportFormat | 'html';
/** The formats rendered without laying out a graph. */
export type TextReportFormat = 'md' | 'json';

export function renderRunReport(report: RunReport, format: TextReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return `${terminalSafeJson(report, 2)}\n`;
    default:
      return assertNever(format, 'report format');
  }
}

/** Any format; HTML lays the graph out with Graphviz (loaded only then), so it is asynchronous. */
export async function renderReport(report: RunReport, format: ReportFormat): Promise<string> {
  if (format !== 'html') return renderRunReport(report, format);
  const { renderHtmlReport } = await import('./render-html-report.js');
  return renderHtmlReport(report);
}

export const LEAF_COLUMNS = ['leaf', 'status', 'ms', 'in tok', 'out tok', 'cost', 'memo hits', 'source', 'input hash'];

export function leafCells(leaf: ReportLeaf): string[] {
  return [
    leafName(leaf),
    leaf.status,
    leaf.durationMs === null ? '' : String(leaf.durationMs),
    String(leaf.inputTokens),
    String(leaf.outputTokens),
    formatCost(leaf.costMicrousd),
    String(leaf.memoHits),
    leaf.source ?? '',
    leaf.inputHash ? leaf.inputHash.slice(0, 12) : '',
  ];
}

export function factRows(report: RunReport): [string, string][] {
  const { run, totals } = report;
  return [
    ['run', run.runId],
    ['label', run.label],
    ['status', run.status],
    ['mode', run.parentRunId ? `${run.mode} of ${run.parentRunId}` : run.mode],
    ['started', formatTimestamp(run.startedAt)],
    ['duration', totals.durationMs === null ? 'not finished' : `${totals.durationMs} ms`],
    ['spec hash', run.specHash],
    ['leaves', `${totals.leaves} (${Object.entries(totals.leavesByStatus).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'})`],
    ['tokens', totals.usage ? `${totals.usage.input_tokens} in, ${totals.usage.output_tokens} out` : 'unknown'],
    ['cost', totals.usage ? formatCost(totals.usage.cost_microusd) : 'unknown'],
    ['memo', totals.memoUsage ? `${totals.memoUsage.armh_hits} hits, ${totals.memoUsage.armh_misses} misses, ${totals.memoUsage.armh_saved_estimated_tokens} tokens saved` : 'unknown'],
    ['decisions', String(totals.decisions)],
    ['overlay', overlaySummary(report.overlay)],
  ];
}

/** Run text in a Markdown cell: control characters escaped (the report is read in terminals too), pipes escaped. */
function markdownCell(text: string): string {
  return escapeTerminalLine(text).replace(/\|/g, '\\|');
}

function renderMarkdown(report: RunReport): string {
  const lines = [`# Run ${escapeTerminalLine(report.run.runId)}`, '', '| | |', '|---|---|'];
  for (const [name, value] of factRows(report)) lines.push(`| ${name} | ${markdownCell(value)} |`);
  if (report.overlay && overlayLessonLines(report.overlay).length > 0) {
    lines.push('', '## Overlay', '', `Lessons of overlay snapshot ${report.overlay.snapshotId.slice(0, 12)} (whaleflow overlay show ${report.overlay.snapshotId.slice(0, 12)}):`, '');
    for (const entry of overlayLessonLines(report.overlay)) lines.push(`- ${markdownCell(entry)}`);
  }
  if (report.mermaid) lines.push('', '## Graph', '', '```mermaid', escapeTerminalText(report.mermaid.trimEnd()), '```');
  lines.push('', '## Leaves', '', `| ${LEAF_COLUMNS.join(' | ')} |`, `|${LEAF_COLUMNS.map(() => '---').join('|')}|`);
  for (const leaf of report.leaves) lines.push(`| ${leafCells(leaf).map(markdownCell).join(' | ')} |`);
  const failed = report.leaves.filter((leaf) => leaf.error !== null);
  if (failed.length > 0) {
    lines.push('', '## Errors', '');
    for (const leaf of failed) lines.push(`- **${markdownCell(leafName(leaf))}** (${leaf.status}): ${markdownCell(oneLine(leaf.error!))}`);
  }
  return `${lines.join('\n')}\n`;
}

export function leafName(leaf: ReportLeaf): string {
  return leaf.iteration > 0 ? `${leaf.nodeId}#${leaf.iteration}` : leaf.nodeId;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

