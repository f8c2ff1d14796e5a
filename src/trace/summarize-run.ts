import type { RunEvent } from '../engine/contracts/index.js';
import type { RunSummary } from './trace-store.js';

/** A run's summary from its run_started and (if stored) run_finished events. */
export function summarizeRun(
  runId: string,
  started: Extract<RunEvent, { type: 'run_started' }>,
  finished: Extract<RunEvent, { type: 'run_finished' }> | undefined,
  eventCount: number,
): RunSummary {
  return {
    runId,
    label: started.label,
    specHash: started.specHash,
    mode: started.mode,
    parentRunId: started.parentRunId ?? null,
    sourceFile: started.sourceFile ?? null,
    startedAt: started.at,
    finishedAt: finished?.at ?? null,
    status: finished?.status ?? 'running',
    usage: finished?.usage ?? null,
    eventCount,
  };
}
