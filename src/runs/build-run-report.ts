import { exportGraph, parseWorkflowSpec, type MemoUsage, type Usage } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import type { RunSummary, TraceStore } from '../trace/index.js';

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
}

export interface RunReport {
  readonly run: RunSummary;
  /** Mermaid flowchart of the spec that ran, or null when the spec can't be read back. */
  readonly mermaid: string | null;
  readonly leaves: readonly ReportLeaf[];
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
  }));
  const leavesByStatus: Record<string, number> = {};
  for (const leaf of leaves) leavesByStatus[leaf.status] = (leavesByStatus[leaf.status] ?? 0) + 1;
  return {
    run,
    mermaid: started ? mermaidOf(started.spec) : null,
    leaves,
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

function mermaidOf(specJson: string): string | null {
  try {
    const parsed = parseWorkflowSpec(JSON.parse(specJson));
    return parsed.ok ? exportGraph(parsed.spec, 'mermaid') : null;
  } catch {
    return null;
  }
}
