import { assertNever } from '../util/index.js';
import type { ReportLeaf, RunReport } from './build-run-report.js';
import { formatCost, formatTimestamp } from './format-run-facts.js';

export type ReportFormat = 'md' | 'json' | 'html';

export function renderRunReport(report: RunReport, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtml(report);
    default:
      return assertNever(format, 'report format');
  }
}

const LEAF_COLUMNS = ['leaf', 'status', 'ms', 'in tok', 'out tok', 'cost', 'memo hits', 'source', 'input hash'];

function leafCells(leaf: ReportLeaf): string[] {
  return [
    leaf.iteration > 0 ? `${leaf.nodeId}#${leaf.iteration}` : leaf.nodeId,
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

function factRows(report: RunReport): [string, string][] {
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
  ];
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function renderMarkdown(report: RunReport): string {
  const lines = [`# Run ${report.run.runId}`, '', '| | |', '|---|---|'];
  for (const [name, value] of factRows(report)) lines.push(`| ${name} | ${markdownCell(value)} |`);
  if (report.mermaid) lines.push('', '## Graph', '', '```mermaid', report.mermaid.trimEnd(), '```');
  lines.push('', '## Leaves', '', `| ${LEAF_COLUMNS.join(' | ')} |`, `|${LEAF_COLUMNS.map(() => '---').join('|')}|`);
  for (const leaf of report.leaves) lines.push(`| ${leafCells(leaf).map(markdownCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function renderHtml(report: RunReport): string {
  const facts = factRows(report)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  const header = LEAF_COLUMNS.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const rows = report.leaves.map((leaf) => `<tr>${leafCells(leaf).map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  const graph = report.mermaid
    ? `<h2>Graph</h2>\n<pre class="mermaid">\n${escapeHtml(report.mermaid)}</pre>\n<script type="module">import mermaid from 'https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs'; mermaid.initialize({ startOnLoad: true });</script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Run ${escapeHtml(report.run.runId)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}</style>
</head><body>
<h1>Run ${escapeHtml(report.run.runId)}</h1>
<table>
${facts}
</table>
${graph}
<h2>Leaves</h2>
<table><thead><tr>${header}</tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
