import { assertNever } from '../util/index.js';
import type { CrossRunReuse } from '../config/index.js';
import type { ModelRequest } from '../providers/index.js';
import type { MemoEntry } from './memo-entry.js';

/**
 * When an answer produced by an earlier run may be reused. Inside one run reuse is always
 * allowed: the run already committed to that answer, asking again would only pay twice.
 * `deterministic` (the default) reuses across runs only requests at temperature 0 or marked
 * `memoizable`; a sampled request deserves a fresh sample in a new run.
 */
export type { CrossRunReuse };

export interface MemoPolicy {
  readonly crossRun: CrossRunReuse;
}

export const defaultMemoPolicy: MemoPolicy = { crossRun: 'deterministic' };

export function isDeterministicRequest(request: ModelRequest): boolean {
  return request.temperature === 0 || request.memoizable === true;
}

export function mayShareAcrossRuns(policy: MemoPolicy, deterministic: boolean): boolean {
  switch (policy.crossRun) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'deterministic':
      return deterministic;
    default:
      return assertNever(policy.crossRun, 'cross-run reuse policy');
  }
}


/** Whether a stored entry may answer this request in this run. */
export function mayReuse(entry: MemoEntry, policy: MemoPolicy, deterministic: boolean, runId: string | undefined): boolean {
  const sameRun = runId !== undefined && entry.runId === runId;
  return sameRun || mayShareAcrossRuns(policy, deterministic);
}
