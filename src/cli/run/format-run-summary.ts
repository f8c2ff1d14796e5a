import type { NodeResult, WorkflowResult } from '../../ir/index.js';
import { formatElapsed as formatMs, formatOverviewCost as formatUsd } from '../../runs/index.js';

const MARK: Readonly<Record<string, string>> = { succeeded: '✓', failed: '✗', cancelled: '○', budget_exceeded: '$', replay_diverged: '≠', pending: '·', running: '…' };
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
      const detail = problem && node.error ? `: ${node.error.split('\n')[0]}` : node.kind === 'tournament' && node.output ? ` → ${node.output}` : '';
      lines.push(`${'  '.repeat(depth)}${MARK[node.status] ?? '?'} ${node.id} (${node.kind}) ${node.status}${detail}`);
    }
    node.children?.forEach((child) => visit(child, depth + 1));
  };
  result.results.forEach((node) => visit(node, 0));
  if (hiddenLeaves > 0) lines.push(`  … and ${hiddenLeaves} more succeeded leaves`);
  const tokens = result.usage.input_tokens + result.usage.output_tokens;
  lines.push(`run ${result.run_id}: ${result.status} in ${formatMs(elapsedMs)} · ${tokens} tokens · ${formatUsd(result.usage.cost_microusd)} · ${result.memo_usage.armh_hits} memo hits`);
  return `${lines.join('\n')}\n`;
}
