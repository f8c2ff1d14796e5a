import type { TraceStore } from '../trace/index.js';
import { linkResumes } from './link-resumes.js';
import { RunOverviewFold } from './run-overview-fold.js';
import type { LivenessOptions } from './run-liveness.js';
import type { RunOverview } from './run-overview.js';

/** Folds one stored run from its whole log. */
export function overviewRun(store: TraceStore, runId: string, liveness: LivenessOptions): RunOverview {
  const fold = new RunOverviewFold(runId);
  // Readable events: a damaged row flags this run instead of failing the whole listing.
  fold.applyReadable(store.readableEvents(runId));
  return fold.overview(liveness);
}

/** Every stored run (newest first, at most `limit`), folded; what `whaleflow ps` lists. */
export function overviewRuns(store: TraceStore, liveness: LivenessOptions & { readonly limit?: number }): RunOverview[] {
  return linkResumes(store.listRuns({ limit: liveness.limit }).map((run) => overviewRun(store, run.runId, liveness)));
}
