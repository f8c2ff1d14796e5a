import type { RunSummary, TraceStore } from '../trace/index.js';
import { WhaleflowError } from '../util/index.js';
import { shortRunId } from './run-overview.js';

/** A resume that has nothing to do: the run, or a resume of it, already succeeded; or it is a replay. */
export class NothingToResumeError extends WhaleflowError {
  override readonly name = 'NothingToResumeError';
  constructor(
    readonly runId: string,
    message: string,
  ) {
    super(message);
  }
}

/** Most resume chains are short; this only stops a corrupt parent cycle. */
const MAX_CHAIN = 64;

/** The first run of a resume chain (a run, the resume of it, the resume of that…): the chain's lock key. */
export function chainRootOf(store: Pick<TraceStore, 'getRun'>, run: RunSummary): string {
  let current = run;
  for (let steps = 0; current.mode === 'resume' && current.parentRunId && steps < MAX_CHAIN; steps++) {
    const parent = store.getRun(current.parentRunId);
    if (!parent) break;
    current = parent;
  }
  return current.runId;
}

/** The resumes of each run (newest first), from every stored run's parent link. */
function resumesByParent(store: Pick<TraceStore, 'listRuns'>): Map<string, RunSummary[]> {
  const children = new Map<string, RunSummary[]>();
  for (const run of store.listRuns()) {
    if (run.mode !== 'resume' || !run.parentRunId) continue;
    const list = children.get(run.parentRunId) ?? [];
    list.push(run);
    children.set(run.parentRunId, list);
  }
  return children;
}

/**
 * The run a `whaleflow resume RUN` continues from. A run already resumed is continued from
 * its newest resume (which read everything before it), so following an old suggestion never
 * pays again for what a resume ran. Refused: a run that succeeded, one a resume of which
 * succeeded, and a replay (replays are checked, not resumed).
 */
export function resumeTarget(store: Pick<TraceStore, 'listRuns'>, run: RunSummary): { readonly target: RunSummary; readonly skipped: readonly RunSummary[] } {
  if (run.mode === 'replay') {
    throw new NothingToResumeError(run.runId, `run ${run.runId} is a replay${run.parentRunId ? ` of ${run.parentRunId}` : ''}; a replay is checked, not resumed (whaleflow replay ${run.parentRunId ? shortRunId(run.parentRunId) : shortRunId(run.runId)})`);
  }
  const children = resumesByParent(store);
  const skipped: RunSummary[] = [];
  let target = run;
  for (let steps = 0; steps < MAX_CHAIN; steps++) {
    const resumes = children.get(target.runId) ?? [];
    const succeeded = resumes.find((resume) => resume.status === 'succeeded');
    if (succeeded) {
      throw new NothingToResumeError(run.runId, `run ${run.runId} was already resumed as ${succeeded.runId}, which succeeded; there is nothing left to resume (whaleflow inspect ${shortRunId(succeeded.runId)})`);
    }
    const newest = resumes[0];
    if (!newest) break;
    skipped.push(target);
    target = newest;
  }
  if (target.status === 'succeeded') {
    throw new NothingToResumeError(run.runId, `run ${run.runId} succeeded; there is nothing to resume (whaleflow replay ${shortRunId(run.runId)} checks it; whaleflow run runs the workflow again)`);
  }
  return { target, skipped };
}
