import { shortRunId } from '../../runs/index.js';

/**
 * What a run (or resume, or replay) that could not record says instead of its summary: the
 * store's reason (which names the file) and the way back. Nothing after the failure was
 * recorded, so no result is reported.
 */
export function formatTraceFailure(runId: string, reason: string, next: 'resume' | 'replay' = 'resume'): string {
  const way =
    next === 'resume'
      ? `once the database can be written, \`whaleflow resume ${shortRunId(runId)}\` continues without paying again for what was recorded`
      : 'once the database can be written, replay again';
  return `whaleflow: run ${runId} stopped: ${reason}\nwhaleflow: its leaves were cancelled and nothing after the failure was recorded; ${way}.\n`;
}
