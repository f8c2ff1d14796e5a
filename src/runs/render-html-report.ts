import type { ReportLeaf, RunReport } from './build-run-report.js';
import { overlayLessonLines } from './describe-run-overlay.js';
import { factRows, LEAF_COLUMNS, leafCells, leafName } from './render-run-report.js';

/**
 * The HTML report: one self-contained file that opens offline in any browser. The graph is laid
 * out here, at report time, by Graphviz compiled to WebAssembly (@viz-js/viz, loaded only for
 * this), and inlined as SVG; there is no script and nothing is fetched — a Content-Security-
 * Policy forbids both, as a second line behind escaping every text that came from a run.
 */
export async function renderHtmlReport(report: RunReport): Promise<string> {
  const title = `Run ${report.run.runId}`;
  const facts = factRows(report)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  const header = LEAF_COLUMNS.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const rows = report.leaves
    .map((leaf) => `<tr class="status-${cssClass(leaf.status)}">${leafCells(leaf).map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<table class="facts">
${facts}
</table>
${overlaySection(report)}${await graphSection(report.dot)}
<h2>Leaves</h2>
<table class="leaves"><thead><tr>${header}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Outcomes</h2>
${report.leaves.map((leaf) => leafSection(report, leaf)).join('\n')}
</body></html>
`;
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}',
  'table{border-collapse:collapse;margin-bottom:1rem}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}',
  'figure.graph{margin:0;overflow:auto;max-width:100%}figure.graph svg{max-width:100%;height:auto}',
  'section.leaf{border-left:4px solid #ccc;padding:0 0 0 .8rem;margin:0 0 1rem}',
  'section.leaf.status-succeeded{border-color:#4caf50}section.leaf.status-failed{border-color:#d32f2f}',
  'section.leaf.status-cancelled{border-color:#9e9e9e}section.leaf.status-budget_exceeded{border-color:#f59f00}',
  'section.leaf.status-replay_diverged{border-color:#8e44ad}',
  'pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.5rem;margin:.3rem 0}pre.error{background:#fdecea}',
  'tr.status-failed td{background:#fdecea}.note{color:#666;font-size:.9em}',
].join('');

async function graphSection(dot: string | null): Promise<string> {
  if (dot === null) return '';
  try {
    return `<h2>Graph</h2>\n<figure class="graph">${await dotToSvg(dot)}</figure>`;
  } catch (error) {
    // A graph Graphviz cannot lay out must not cost the rest of the report: show its source.
    const reason = error instanceof Error ? error.message : String(error);
    return `<h2>Graph</h2>\n<p class="note">The graph could not be laid out (${escapeHtml(reason)}); its Graphviz source:</p>\n<pre>${escapeHtml(dot)}</pre>`;
  }
}

/** Lays out DOT as SVG markup to inline: the XML prolog, doctype and comments dropped. */
export async function dotToSvg(dot: string): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const svg = viz.renderString(dot, { format: 'svg', engine: 'dot' });
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz returned no SVG');
  return svg.slice(start).replace(/<!--[\s\S]*?-->/g, '');
}

function leafSection(report: RunReport, leaf: ReportLeaf): string {
  const parts = [`<section class="leaf status-${cssClass(leaf.status)}" data-leaf="${escapeHtml(leafName(leaf))}">`, `<h3>${escapeHtml(leafName(leaf))} — ${escapeHtml(leaf.status)}</h3>`];
  if (leaf.error !== null) parts.push(`<p>Error:</p><pre class="error">${escapeHtml(leaf.error)}</pre>`);
  if (leaf.outputExcerpt === null || leaf.outputExcerpt === '') {
    parts.push('<p class="note">No output.</p>');
  } else {
    parts.push(`<p>Output:</p><pre class="output">${escapeHtml(leaf.outputExcerpt)}</pre>`);
    const left = leaf.outputChars - leaf.outputExcerpt.length;
    if (left > 0) parts.push(`<p class="note">… ${left} more characters: <code>${escapeHtml(`whaleflow inspect ${report.run.runId.slice(0, 8)} ${leaf.nodeId} --full`)}</code></p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * Text from a run (ids, labels, outputs, errors) as HTML text or a quoted attribute value.
 * Control characters (an ESC starting a terminal sequence, say) are written as visible `\x1b`
 * escapes: HTML has no use for them, and the report may be printed to a terminal.
 */
/** The lessons the run's overlay applied and skipped; nothing when it applied none. */
function overlaySection(report: RunReport): string {
  const lines = report.overlay ? overlayLessonLines(report.overlay) : [];
  if (lines.length === 0) return '';
  return `<h2>Overlay</h2>\n<ul class="overlay">${lines.map((entry) => `<li>${escapeHtml(entry)}</li>`).join('')}</ul>\n`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A status as a class name (statuses are a closed set of identifiers; anything else is dropped). */
function cssClass(status: string): string {
  return /^[a-z_]+$/.test(status) ? status : 'unknown';
}
