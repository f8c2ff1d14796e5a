import type { NodeResult, WorkflowResult } from '../../ir/index.js';
import { escapeTerminalLine } from '../../util/index.js';
import { formatElapsed as formatMs, formatOverviewCost as formatUsd, statusGlyph } from '../../runs/index.js';

/** Big runs print their containers and problems, not every one of thousands of leaves. */
const MAX_LEAF_LINES = 200;

/** The result tree and totals after a run. */
export function formatRunSummary(result: WorkflowResult, elapsedMs: number): string {
  const lines: string[] = [];
  let leafLines = 0;
  let hiddenLeaves = 0;
  const visit = (node: NodeResult, depth: number): void => {
    const isLeaf = !node.children;
    const problem = node.status !== 'succeeded';
    if (isLeaf && !problem && leafLines >= MAX_LEAF_LINES) {
      hiddenLeaves += 1;
    } else {
      if (isLeaf) leafLines += 1;
      const detail = problem && node.error ? `: ${escapeTerminalLine(problemText(node))}` : node.kind === 'tournament' && node.output ? ` → ${escapeTerminalLine(node.output)}` : '';
      lines.push(`${'  '.repeat(depth)}${statusGlyph(node.status)} ${escapeTerminalLine(node.id)} (${node.kind}) ${node.status}${detail}`);
    }
    node.children?.forEach((child) => visit(child, depth + 1));
  };
  result.results.forEach((node) => visit(node, 0));
  if (hiddenLeaves > 0) lines.push(`  … and ${hiddenLeaves} more succeeded leaves`);
  const tokens = result.usage.input_tokens + result.usage.output_tokens;
  lines.push(`run ${result.run_id}: ${result.status} in ${formatMs(elapsedMs)} · ${tokens} tokens · ${formatUsd(result.usage.cost_microusd)} · ${result.memo_usage.armh_hits} memo hits`);
  return `${lines.join('\n')}\n`;
}

/** The first line of a node's error, without repeating the status it follows ("cancelled: cancelled: …"). */
function problemText(node: NodeResult): string {
  const firstLine = (node.error ?? '').split('\n')[0]!;
  const prefix = `${node.status}: `;
  return firstLine.startsWith(prefix) ? firstLine.slice(prefix.length) : firstLine;
}
