import type { RunStatus } from '../ir/index.js';
import type { TraceStore } from '../trace/index.js';

/** What a run achieved and what it took: the quantities the gate, A/B telemetry and the benchmark compare. */
export interface RunFigures {
  readonly runId: string;
  readonly status: RunStatus;
  readonly succeeded: boolean;
  /** Tokens paid for (memo hits are free). */
  readonly tokens: number;
  /** Tokens the work needed: paid plus what the memo served, so a lesson is not credited with the memo's luck. */
  readonly workTokens: number;
  /** Null when some price was unknown. */
  readonly costMicrousd: number | null;
  /** Agent steps (model calls of the tool loop), one per other leaf execution. */
  readonly steps: number;
  readonly wallMs: number | null;
}

/** The figures of a recorded run, from its summary and leaf executions. */
export function runFigures(trace: TraceStore, runId: string): RunFigures {
  const summary = trace.getRun(runId);
  if (!summary) throw new Error(`no run ${runId} in the trace`);
  let steps = 0;
  let saved = 0;
  for (const leaf of trace.leafRuns(runId)) {
    steps += leafSteps(leaf.details);
    saved += leaf.memoUsage?.armh_saved_estimated_tokens ?? 0;
  }
  const usage = summary.usage;
  const tokens = usage ? usage.input_tokens + usage.output_tokens : 0;
  return {
    runId,
    status: summary.status,
    succeeded: summary.status === 'succeeded',
    tokens,
    workTokens: tokens + saved,
    costMicrousd: usage ? usage.cost_microusd : null,
    steps,
    wallMs: summary.finishedAt === null ? null : summary.finishedAt - summary.startedAt,
  };
}

function leafSteps(details: Readonly<Record<string, unknown>> | null): number {
  const steps = (details?.data as { steps?: unknown } | undefined)?.steps;
  return typeof steps === 'number' ? steps : 1;
}
