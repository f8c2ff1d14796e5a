import { formatElapsed, formatOverviewCost, formatTokenCount, type NodeOverview } from '../../runs/index.js';
import { escapeTerminalLine } from '../../util/index.js';

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

/**
 * Cuts text to a display width with an ellipsis; newlines become ⏎ so a row stays one line,
 * and every other control character is escaped (rows carry run text: outputs, errors, ids).
 * Wide characters (CJK, emoji) count two columns: a block of rows is one Ink Text, and one
 * over-long row would make Ink truncate the whole block.
 */
export function fitText(text: string, width: number): string {
  const flat = escapeTerminalLine(text.replace(/\r?\n/g, '⏎ '));
  const limit = Math.max(0, width);
  let used = 0;
  let index = 0;
  for (const character of flat) {
    const cellWidth = displayWidthOf(character.codePointAt(0)!);
    if (used + cellWidth > limit) return `${flat.slice(0, index).replace(/.$/u, '')}…`;
    used += cellWidth;
    index += character.length;
  }
  return flat;
}

/** Terminal columns a code point takes: 0 for combining marks, 2 for East Asian wide and emoji, else 1. */
function displayWidthOf(codePoint: number): number {
  if (codePoint < 0x20 || (codePoint >= 0x300 && codePoint <= 0x36f) || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    codePoint >= 0x20000
  ) {
    return 2;
  }
  return 1;
}

