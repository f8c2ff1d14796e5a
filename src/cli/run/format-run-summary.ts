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
  const totals = { toolCalls: 0, diffs: 0, tests: 0, testsPassed: 0 };
  const visit = (node: NodeResult, depth: number): void => {
    const isLeaf = !node.children;
    const problem = node.status !== 'succeeded';
    const facts = isLeaf ? leafFacts(node, totals) : [];
    if (isLeaf && !problem && leafLines >= MAX_LEAF_LINES) {
      hiddenLeaves += 1;
    } else {
      if (isLeaf) leafLines += 1;
      const detail = problem && node.error ? `: ${escapeTerminalLine(problemText(node))}` : node.kind === 'tournament' && node.output ? ` → ${escapeTerminalLine(node.output)}` : '';
      lines.push(`${'  '.repeat(depth)}${statusGlyph(node.status)} ${escapeTerminalLine(node.id)} (${node.kind}) ${node.status}${detail}${facts.map((fact) => ` · ${fact}`).join('')}`);
    }
    node.children?.forEach((child) => visit(child, depth + 1));
  };
  result.results.forEach((node) => visit(node, 0));
  if (hiddenLeaves > 0) lines.push(`  … and ${hiddenLeaves} more succeeded leaves`);
  const tokens = result.usage.input_tokens + result.usage.output_tokens;
  const real = [
    ...(totals.toolCalls > 0 ? [`${totals.toolCalls} tool calls`] : []),
    ...(totals.diffs > 0 ? [`${totals.diffs} worktree diffs`] : []),
    ...(totals.tests > 0 ? [`tests ${totals.testsPassed}/${totals.tests} passed`] : []),
  ].map((fact) => ` · ${fact}`).join('');
  lines.push(`run ${result.run_id}: ${result.status} in ${formatMs(elapsedMs)} · ${tokens} tokens · ${formatUsd(result.usage.cost_microusd)} · ${result.memo_usage.armh_hits} memo hits${real}`);
  return `${lines.join('\n')}\n`;
}

interface SummaryTotals {
  toolCalls: number;
  diffs: number;
  tests: number;
  testsPassed: number;
}

/**
 * What a real leaf did, when it says so (the pure mock's leaves carry none of it): tool calls,
 * memo hits, the size of its worktree diff, a test's exit code. Counted into the totals (also
 * for leaves whose line is not shown).
 */
function leafFacts(node: NodeResult, totals: SummaryTotals): string[] {
  const details = node.details ?? {};
  const facts: string[] = [];
  const data = details.data as { toolCalls?: unknown } | undefined;
  if (typeof data?.toolCalls === 'number' && data.toolCalls > 0) {
    totals.toolCalls += data.toolCalls;
    facts.push(`${data.toolCalls} tool call${data.toolCalls === 1 ? '' : 's'}`);
  }
  if (node.memo_usage.armh_hits > 0) facts.push(`memo ${node.memo_usage.armh_hits} hit${node.memo_usage.armh_hits === 1 ? '' : 's'}`);
  const diff = Array.isArray(details.artifacts) ? (details.artifacts as { kind?: unknown; content?: unknown }[]).find((artifact) => artifact.kind === 'diff' && typeof artifact.content === 'string') : undefined;
  if (diff) {
    totals.diffs += 1;
    facts.push(diffSize(diff.content as string));
  }
  const test = details.test as { exitCode?: unknown; passed?: unknown } | undefined;
  if (test && typeof test.exitCode === 'number') {
    totals.tests += 1;
    if (test.passed === true) totals.testsPassed += 1;
    facts.push(`test exit ${test.exitCode}`);
  }
  return facts;
}

/** `diff +3 −1 in 2 files`, counted from a git diff's lines. */
function diffSize(diff: string): string {
  let added = 0;
  let removed = 0;
  let files = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) files += 1;
    else if (line.startsWith('+') && !line.startsWith('+++')) added += 1;
    else if (line.startsWith('-') && !line.startsWith('---')) removed += 1;
  }
  return `diff +${added} −${removed} in ${files} file${files === 1 ? '' : 's'}`;
}

/** The first line of a node's error, without repeating the status it follows ("cancelled: cancelled: …"). */
function problemText(node: NodeResult): string {
  const firstLine = (node.error ?? '').split('\n')[0]!;
  const prefix = `${node.status}: `;
  return firstLine.startsWith(prefix) ? firstLine.slice(prefix.length) : firstLine;
}
