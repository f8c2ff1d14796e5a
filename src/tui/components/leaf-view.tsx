import { Box, Text } from 'ink';
import { bodyHeight } from '../select-view.js';
import type { ViewState } from '../view-state.js';
import { TextBlock } from './text-block.js';
import { statusGlyph } from '../../runs/index.js';
import { escapeTerminalLine as line } from '../../util/index.js';
import { fitText, nodeCost, nodeElapsed, nodeTokens } from './node-facts.js';

const PREVIEW_LINES = 6;

/** One leaf: its facts, prompt, tool calls (activity) and output; `o` shows the whole output. */
export function LeafView({ state, runId, nodeId }: { readonly state: ViewState; readonly runId: string; readonly nodeId: string }) {
  const node = state.folds.get(runId)?.node(nodeId);
  if (!node) return <Text color="red">Node {line(nodeId)} is not in run {line(runId)}.</Text>;
  const detail = state.leafDetail && state.leafDetail.nodeId === nodeId ? state.leafDetail : null;
  const output = detail?.fullOutput ?? node.output ?? '';
  const lines: string[] = [];
  lines.push(`Prompt: ${node.prompt ?? '(not in the spec)'}`);
  if (node.error) lines.push(`Error: ${node.error}`);
  if (node.memory) lines.push(`External ${node.memory}`);
  lines.push(`Tool calls / activity (${detail ? detail.activities.length : node.activityCount}):`);
  const activities = detail?.activities ?? (node.lastActivity ? [node.lastActivity] : []);
  for (const activity of state.showFullOutput ? activities : activities.slice(-PREVIEW_LINES)) lines.push(`  ${activity}`);
  const outputLines = output === '' ? ['(no output yet)'] : output.split(/\r?\n/);
  lines.push(`Output (${output.length} chars${state.showFullOutput ? ', full' : ', o for all'}):`);
  for (const line of state.showFullOutput ? outputLines : outputLines.slice(0, PREVIEW_LINES)) lines.push(`  ${line}`);
  if (!state.showFullOutput && outputLines.length > PREVIEW_LINES) lines.push(`  … ${outputLines.length - PREVIEW_LINES} more lines`);
  const facts = [line(node.role ?? ''), line(node.model ?? ''), node.worker ? `on ${line(node.worker)}` : '', nodeTokens(node), nodeCost(node), node.memoHits > 0 ? `memo ${node.memoHits}` : '', nodeElapsed(node, state.now)].filter(Boolean).join(' · ');
  const height = bodyHeight(state) - 1;
  const start = Math.min(state.leafScroll, Math.max(0, lines.length - height));
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {statusGlyph(node.status)} {line(node.nodeId)} — {node.status} — {facts}
      </Text>
      <TextBlock lines={lines.slice(start, start + height).map((line) => ({ text: fitText(line, state.columns - 1) }))} />
    </Box>
  );
}
