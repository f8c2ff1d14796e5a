import { escapeTerminalLine as line, escapeTerminalText, sha256Hex, terminalSafeJson } from '../util/index.js';
import type { NodeRunView, RunSummary, TraceStore } from '../trace/index.js';
import type { EffectSource } from '../engine/index.js';
import { RunTreeFold } from './run-tree-fold.js';
import { statusGlyph } from './status-glyph.js';
import { formatCost, formatDuration, formatTimestamp, formatTokens, truncateOutput } from './format-run-facts.js';

/**
 * The header lines every view of a run starts with. Everything printed from the trace that a
 * run could have written (labels, node ids from an expand, outputs, errors) passes through the
 * terminal escapes: run text is untrusted.
 */
export function renderRunHeader(run: RunSummary): string[] {
  const took = formatDuration(run.startedAt, run.finishedAt);
  const lines = [
    `run ${line(run.runId)}  ${run.label ? `"${line(run.label)}"  ` : ''}${run.status} (${run.mode}${run.parentRunId ? ` of ${line(run.parentRunId)}` : ''})`,
    `started ${formatTimestamp(run.startedAt)}${took ? `, took ${took}` : run.finishedAt === null ? ', not finished (running or interrupted)' : ''}`,
    `spec ${run.specHash}${run.sourceFile ? `  from ${line(run.sourceFile)}` : ''}`,
  ];
  if (run.usage) lines.push(`usage ${formatTokens(run.usage)}  ${formatCost(run.usage.cost_microusd)}`);
  return lines;
}

export interface TreeOptions {
  /** Characters of output shown per node; default 80. */
  readonly outputWidth?: number;
  /**
   * Applied to each output and error before it is cut to width: a tree drawn from events that
   * were never stored (a replay's own, see RunTreeFold) has them unredacted, and a secret cut in
   * half would no longer be recognised where the terminal output is redacted.
   */
  readonly redact?: (text: string) => string;
}

/** The node tree of a run: status, timing, tokens, cost, memo hits and a glimpse of each output. */
export function renderRunTree(store: TraceStore, run: RunSummary, options: TreeOptions = {}): string {
  // One pass over every row, as they stream past: each is decoded once (a damaged row is
  // reported, not skipped), and a big run is never held as events.
  const fold = new RunTreeFold();
  for (const { event } of store.eventStream(run.runId)) fold.emit(event);
  return renderFoldedRunTree(run, fold, options);
}

/** renderRunTree from its events as they went by (RunTreeFold) rather than read back from the store. */
export function renderFoldedRunTree(run: RunSummary, fold: RunTreeFold, options: TreeOptions = {}): string {
  const nodes = fold.views();
  const children = new Map<string | null, NodeRunView[]>();
  for (const node of nodes) {
    const siblings = children.get(node.parentId) ?? [];
    siblings.push(node);
    children.set(node.parentId, siblings);
  }
  const lines = [...renderRunHeader(run), ...renderLeafCounts(nodes), ''];
  const known = new Set(nodes.map((node) => node.nodeId));
  const roots = nodes.filter((node) => node.parentId === null || !known.has(node.parentId));
  const facts = { outputWidth: options.outputWidth ?? 80, redact: options.redact ?? ((text: string) => text) };
  const visit = (node: NodeRunView, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${nodeLine(node, fold.leafSource(node), fold.placementsOf(node), facts)}`);
    for (const child of children.get(node.nodeId) ?? []) if (child !== node) visit(child, depth + 1);
  };
  const seen = new Set<NodeRunView>();
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    visit(root, 0);
  }
  lines.push('', `(whaleflow inspect ${line(run.runId.slice(0, 12))} NODE shows one node; add --full for whole outputs)`);
  return `${lines.join('\n')}\n`;
}

function renderLeafCounts(nodes: readonly NodeRunView[]): string[] {
  const leaves = nodes.filter((node) => node.kind === 'leaf');
  if (leaves.length === 0) return [];
  const byStatus = new Map<string, number>();
  for (const leaf of leaves) byStatus.set(leaf.status, (byStatus.get(leaf.status) ?? 0) + 1);
  const hits = nodes.reduce((sum, node) => sum + (node.kind === 'leaf' ? (node.memoUsage?.armh_hits ?? 0) : 0), 0);
  return [`leaves ${leaves.length} (${[...byStatus].map(([status, count]) => `${count} ${status}`).join(', ')}), memo hits ${hits}`];
}

/** `on host:pid`, with the workers lost before it: `on b:12 (after a:11)`. */
function placementText(workers: readonly string[]): string {
  const last = workers.at(-1) ?? '';
  return workers.length > 1 ? `on ${last} (after ${workers.slice(0, -1).join(', ')})` : `on ${last}`;
}

function nodeLine(node: NodeRunView, source: EffectSource | undefined, workers: readonly string[] | undefined, { outputWidth, redact }: { readonly outputWidth: number; readonly redact: (text: string) => string }): string {
  const parts = [`${statusGlyph(node.status)} ${line(node.nodeId)}${node.iteration > 0 ? `#${node.iteration}` : ''} (${node.kind})`];
  const duration = formatDuration(node.startedAt, node.finishedAt);
  if (duration) parts.push(duration);
  if (node.usage && (node.usage.input_tokens > 0 || node.usage.output_tokens > 0)) parts.push(formatTokens(node.usage), formatCost(node.usage.cost_microusd));
  if ((node.memoUsage?.armh_hits ?? 0) > 0) parts.push(`memo ${node.memoUsage!.armh_hits} hit${node.memoUsage!.armh_hits === 1 ? '' : 's'}`);
  if (source === 'trace') parts.push('[from trace]');
  if (workers?.length) parts.push(placementText(workers));
  if (node.status !== 'succeeded' && node.error) parts.push(`error: ${truncateOutput(redact(node.error), 60)}`);
  if (node.output) parts.push(`→ "${truncateOutput(redact(node.output), outputWidth)}"`);
  return parts.join('  ');
}

export interface NodeDetailOptions {
  readonly full?: boolean;
  /** Characters of output shown without --full; default 2000. */
  readonly outputLimit?: number;
}

/** Everything about one node of a run (every iteration), with its output whole or truncated. */
export function renderNodeDetail(store: TraceStore, run: RunSummary, nodeId: string, options: NodeDetailOptions = {}): string | undefined {
  // Only this node's rows are read: a run of 100,000 leaves is not decoded to show one.
  const views = store.nodeRuns(run.runId, nodeId);
  if (views.length === 0) return undefined;
  const leaves = store.leafRuns(run.runId, nodeId);
  const placements = new RunTreeFold();
  for (const { event } of store.eventStream(run.runId, { types: ['leaf_placed'], nodeId })) placements.emit(event);
  const decisions = [...store.eventStream(run.runId, { types: ['decision'], nodeId })].map((stored) => stored.event);
  const lines: string[] = [];
  for (const view of views) {
    const leaf = leaves.find((candidate) => candidate.iteration === view.iteration);
    lines.push(`${statusGlyph(view.status)} ${line(view.nodeId)} (${view.kind})${view.iteration > 0 ? ` iteration ${view.iteration}` : ''}  ${view.status}`);
    if (view.parentId) lines.push(`  parent     ${line(view.parentId)}`);
    if (view.role) lines.push(`  role       ${line(view.role)}`);
    const duration = formatDuration(view.startedAt, view.finishedAt);
    if (duration) lines.push(`  duration   ${duration}`);
    if (view.usage) lines.push(`  usage      ${formatTokens(view.usage)}  ${formatCost(view.usage.cost_microusd)}`);
    if (view.memoUsage) lines.push(`  memo       ${view.memoUsage.armh_hits} hits, ${view.memoUsage.armh_misses} misses, provider cache ${view.memoUsage.provider_prompt_cache_hits} hits`);
    if (leaf?.inputHash) lines.push(`  input hash ${leaf.inputHash}${leaf.effectSource ? `  (${leaf.effectSource})` : ''}`);
    const workers = placements.placementsOf(view);
    if (workers?.length) lines.push(`  worker     ${placementText(workers)}`);
    if (view.error) lines.push(`  error      ${escapeTerminalText(view.error)}`);
    if (view.details) lines.push(`  details    ${terminalSafeJson(view.details)}`);
    lines.push(...renderOutput(store, view.output, options));
  }
  for (const decision of decisions) {
    if (decision.type !== 'decision') continue;
    lines.push(`  decision   ${decision.decision} = ${terminalSafeJson(decision.value)}  (${line(decision.reason)})`);
  }
  return `${lines.join('\n')}\n`;
}

function renderOutput(store: TraceStore, output: string | null, options: NodeDetailOptions): string[] {
  if (output === null) return ['  output     (none)'];
  const limit = options.outputLimit ?? 2000;
  if (options.full || output.length <= limit) return ['  output', indent(escapeTerminalText(output))];
  const hash = sha256Hex(output);
  const blobHint = store.getBlob(hash) ? `; or whaleflow blob ${hash}` : '';
  return ['  output', indent(escapeTerminalText(output.slice(0, limit))), `  … ${output.length - limit} more characters (${output.length} in all): add --full${blobHint}`];
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
