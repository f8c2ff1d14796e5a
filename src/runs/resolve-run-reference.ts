import { AmbiguousRunReferenceError, RunNotFoundError, type RunSummary, type TraceStore } from '../trace/index.js';

/**
 * Finds the run a user means: `last` (the newest run), a full id, or a unique prefix of one.
 * An unknown or ambiguous reference is a typed error with a clear message.
 */
export function resolveRunReference(store: TraceStore, reference: string): RunSummary {
  if (reference === 'last') {
    const newest = store.listRuns({ limit: 1 })[0];
    if (!newest) throw new RunNotFoundError('last');
    return newest;
  }
  const exact = store.getRun(reference);
  if (exact) return exact;
  const matches = reference.length === 0 ? [] : store.listRuns().filter((run) => run.runId.startsWith(reference));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new AmbiguousRunReferenceError(reference, matches.map((run) => run.runId));
  throw new RunNotFoundError(reference);
}
