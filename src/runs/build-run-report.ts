import { exportGraph, parseWorkflowSpec, type GraphNodeStyle, type MemoUsage, type NodeSpec, type RunStatus, type Usage, type WorkflowSpec } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import type { RunSummary, TraceStore } from '../trace/index.js';
import { assertNever } from '../util/index.js';
import { overlayFacts, type RunOverlayFacts } from './describe-run-overlay.js';

/** A report shows this much of each leaf's output; `whaleflow inspect RUN LEAF --full` has the rest. */
export const REPORT_OUTPUT_EXCERPT_CHARS = 2_000;

export interface ReportLeaf {
  readonly nodeId: string;
  readonly iteration: number;
  readonly status: string;
  readonly durationMs: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicrousd: number | null;
  readonly memoHits: number;
  readonly source: string | null;
  readonly inputHash: string | null;
  /** The first REPORT_OUTPUT_EXCERPT_CHARS characters of the output (null: none). */
  readonly outputExcerpt: string | null;
  /** The whole output's length, so a reader knows how much the excerpt left out. */
  readonly outputChars: number;
  readonly error: string | null;
}

export interface RunReport {
  readonly run: RunSummary;
  /** Mermaid flowchart of the spec that ran, or null when the spec can't be read back. */
  readonly mermaid: string | null;
  /** Graphviz DOT of the spec that ran, each node coloured by how it ended; null as for `mermaid`. */
  readonly dot: string | null;
  readonly leaves: readonly ReportLeaf[];
  /** The overlay of lessons the run applied, as recorded in run_started; null: none (overlay off). */
  readonly overlay: RunOverlayFacts | null;
  readonly totals: {
    readonly leaves: number;
    readonly leavesByStatus: Readonly<Record<string, number>>;
    readonly usage: Usage | null;
    readonly memoUsage: MemoUsage | null;
    readonly durationMs: number | null;
    readonly decisions: number;
  };
}

/** The facts a report shows, in one structure that every format renders. */
export function buildRunReport(store: TraceStore, run: RunSummary): RunReport {
  const events = store.events(run.runId).map((stored) => stored.event);
  const started = events.find((event): event is Extract<RunEvent, { type: 'run_started' }> => event.type === 'run_started');
  const finished = events.find((event): event is Extract<RunEvent, { type: 'run_finished' }> => event.type === 'run_finished');
  const leaves = store.leafRuns(run.runId).map((leaf) => ({
    nodeId: leaf.nodeId,
    iteration: leaf.iteration,
    status: leaf.status,
    durationMs: leaf.startedAt !== null && leaf.finishedAt !== null ? leaf.finishedAt - leaf.startedAt : null,
    inputTokens: leaf.usage?.input_tokens ?? 0,
    outputTokens: leaf.usage?.output_tokens ?? 0,
    costMicrousd: leaf.usage ? leaf.usage.cost_microusd : null,
    memoHits: leaf.memoUsage?.armh_hits ?? 0,
    source: leaf.effectSource,
    inputHash: leaf.inputHash,
    outputExcerpt: leaf.output === null ? null : leaf.output.slice(0, REPORT_OUTPUT_EXCERPT_CHARS),
    outputChars: leaf.output?.length ?? 0,
    error: leaf.error,
  }));
  const leavesByStatus: Record<string, number> = {};
  for (const leaf of leaves) leavesByStatus[leaf.status] = (leavesByStatus[leaf.status] ?? 0) + 1;
  const spec = started ? specOf(started.spec) : null;
  // The last execution of each node decides its colour (a loop's body ends as its last iteration did).
  const statuses = new Map(store.nodeRuns(run.runId).map((node) => [node.nodeId, node.status]));
  const expansions = spec ? expandedNodes(spec, events) : new Map<string, NodeSpec[]>();
  return {
    run,
    mermaid: spec ? exportGraph(spec, 'mermaid', { expansion: (id) => expansions.get(id) }) : null,
    dot: spec ? exportGraph(spec, 'dot', { nodeStyle: (node) => outcomeStyle(statuses.get(node.spec.id)), expansion: (id) => expansions.get(id) }) : null,
    leaves,
    overlay: started?.overlay ? overlayFacts(started.overlay) : null,
    totals: {
      leaves: leaves.length,
      leavesByStatus,
      usage: finished?.usage ?? null,
      memoUsage: finished?.memoUsage ?? null,
      durationMs: run.finishedAt !== null ? run.finishedAt - run.startedAt : null,
      decisions: events.filter((event) => event.type === 'decision').length,
    },
  };
}

function specOf(specJson: string): WorkflowSpec | null {
  try {
    const parsed = parseWorkflowSpec(JSON.parse(specJson));
    return parsed.ok ? parsed.spec : null;
  } catch {
    return null;
  }
}

/**
 * What each expand added when it ran, read from the trace: an `expansion` decision names the
 * ids and the key of the planner call whose recorded reply holds their specs (every iteration
 * of a loop adds its own). The reply passed the gate when it ran; here it is only parsed.
 */
function expandedNodes(spec: WorkflowSpec, events: readonly RunEvent[]): Map<string, NodeSpec[]> {
  const replies = new Map<string, unknown>();
  for (const event of events) if (event.type === 'effect_completed' && event.kind === 'expand') replies.set(event.key, event.result.data);
  const expansions = new Map<string, NodeSpec[]>();
  for (const event of events) {
    if (event.type !== 'decision' || event.decision !== 'expansion') continue;
    const reply = replies.get(event.key);
    const list = Array.isArray(reply) ? reply : (reply as { nodes?: unknown } | null | undefined)?.nodes;
    if (!Array.isArray(list)) continue;
    const parsed = parseWorkflowSpec({ id: spec.id, goal: spec.goal, nodes: list });
    if (!parsed.ok) continue;
    expansions.set(event.nodeId, [...(expansions.get(event.nodeId) ?? []), ...parsed.spec.nodes]);
  }
  return expansions;
}

/** Fill colours by outcome; a node that never ran (a template, an arm not taken) stays plain. */
function outcomeStyle(status: RunStatus | undefined): GraphNodeStyle | undefined {
  if (status === undefined) return undefined;
  switch (status) {
    case 'succeeded':
      return { color: '#d9f2dd', caption: 'succeeded' };
    case 'failed':
      return { color: '#f8d4d4', caption: 'failed' };
    case 'cancelled':
      return { color: '#e4e4e4', caption: 'cancelled' };
    case 'budget_exceeded':
      return { color: '#fbe5c4', caption: 'budget exceeded' };
    case 'replay_diverged':
      return { color: '#e9d9f6', caption: 'replay diverged' };
    case 'running':
      return { color: '#d6e6fb', caption: 'running' };
    case 'pending':
      return undefined;
    default:
      return assertNever(status, 'status');
  }
}
