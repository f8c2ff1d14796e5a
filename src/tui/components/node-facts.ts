import { formatElapsed, formatOverviewCost, formatTokenCount, type NodeOverview } from '../../runs/index.js';

/** How long a node ran (or has been running, at `now`); empty before it started. */
export function nodeElapsed(node: NodeOverview, now: number): string {
  if (node.startedAt === null) return '';
  return formatElapsed((node.finishedAt ?? now) - node.startedAt);
}

export function nodeTokens(node: NodeOverview): string {
  return node.usage ? `${formatTokenCount(node.usage.input_tokens + node.usage.output_tokens)} tok` : '';
}

export function nodeCost(node: NodeOverview): string {
  return node.usage ? formatOverviewCost(node.usage.cost_microusd) : '';
}

/** Cuts text to a width with an ellipsis; newlines become ⏎ so a row stays one line. */
export function fitText(text: string, width: number): string {
  const flat = text.replace(/\r?\n/g, '⏎ ');
  if (width <= 1) return flat.slice(0, Math.max(0, width));
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

export function nodeGlyph(status: NodeOverview['status']): string {
  switch (status) {
    case 'pending':
      return '○';
    case 'running':
      return '●';
    case 'succeeded':
      return '✓';
    case 'failed':
      return '✗';
    case 'cancelled':
      return '⊘';
    case 'budget_exceeded':
      return '$';
    case 'replay_diverged':
      return '≠';
  }
}
