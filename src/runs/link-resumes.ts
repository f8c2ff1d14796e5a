import type { RunOverview } from './run-overview.js';

/** Most resume chains are short; this only stops a corrupt parent cycle. */
const MAX_CHAIN = 64;

/**
 * Tells each resumed run about its newest resume (following resumes of resumes), over one
 * listing of overviews. Its suggestion follows: nothing once a resume succeeded (suggesting
 * `resume` again would only be refused) or while one runs, else `whaleflow resume` of the
 * newest one. Overviews come from one fold each, which cannot see
 * other runs, so ps and the TUI link them here.
 */
export function linkResumes(runs: readonly RunOverview[]): RunOverview[] {
  const newestResumeOf = new Map<string, RunOverview>();
  for (const run of runs) {
    if (run.mode !== 'resume' || run.parentRunId === null) continue;
    const known = newestResumeOf.get(run.parentRunId);
    if (!known || run.startedAt > known.startedAt) newestResumeOf.set(run.parentRunId, run);
  }
  if (newestResumeOf.size === 0) return [...runs];
  return runs.map((run) => {
    let newest = newestResumeOf.get(run.runId);
    if (!newest) return run;
    for (let steps = 0; steps < MAX_CHAIN; steps++) {
      const next = newestResumeOf.get(newest.runId);
      if (!next) break;
      newest = next;
    }
    const suggestedAction = newest.status === 'succeeded' || newest.status === 'running' ? null : `whaleflow resume ${newest.shortId}`;
    return { ...run, resumedAs: { runId: newest.runId, shortId: newest.shortId, status: newest.status }, suggestedAction };
  });
}
