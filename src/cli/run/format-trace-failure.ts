import { shortRunId } from '../../runs/index.js';

/**
 * The way back after a recording failed: resume the run (what was recorded is served), or,
 * when not even the run's start reached the database (so there is nothing to resume), run
 * the workflow again; a replay is simply tried again.
 */
export type TraceFailureNext = 'resume' | 'replay' | { readonly rerun: string } | { readonly resumeFrom: string };

/**
 * What a run (or resume, or replay) that could not record says instead of its summary: the
 * store's reason (which names the file) and the way back. Nothing after the failure was
 * recorded, so no result is reported.
 */
export function formatTraceFailure(runId: string, reason: string, next: TraceFailureNext = 'resume'): string {
  if (typeof next === 'object' && 'resumeFrom' in next) {
    return (
      `whaleflow: run ${runId} stopped: ${reason}\n` +
      `whaleflow: its leaves were cancelled and nothing of this resume was recorded; once the database can be written, \`whaleflow resume ${shortRunId(next.resumeFrom)}\` tries again.\n`
    );
  }
  if (typeof next === 'object') {
    return (
      `whaleflow: run ${runId} stopped: ${reason}\n` +
      `whaleflow: its leaves were cancelled and nothing of the run was recorded (not even its start), so there is nothing to resume; once the database can be written, run it again (whaleflow run ${next.rerun}).\n`
    );
  }
  const way =
    next === 'resume'
      ? `once the database can be written, \`whaleflow resume ${shortRunId(runId)}\` continues without paying again for what was recorded`
      : 'once the database can be written, replay again';
  return `whaleflow: run ${runId} stopped: ${reason}\nwhaleflow: its leaves were cancelled and nothing after the failure was recorded; ${way}.\n`;
}
