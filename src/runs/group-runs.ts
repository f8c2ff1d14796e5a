import { assertNever } from '../util/index.js';
import type { RunDisplayStatus, RunOverview } from './run-overview.js';

export type RunGroupName = 'running' | 'needs_attention' | 'done';

export interface RunGroup {
  readonly name: RunGroupName;
  readonly title: string;
  readonly runs: readonly RunOverview[];
}

/** Where a run belongs in ps and the TUI list: is it live, does it need the user, or is it over. */
export function groupOf(status: RunDisplayStatus): RunGroupName {
  switch (status) {
    case 'running':
    case 'pending':
      return 'running';
    case 'failed':
    case 'interrupted':
    case 'damaged':
    case 'budget_exceeded':
    case 'replay_diverged':
    case 'cancelled':
      return 'needs_attention';
    case 'succeeded':
      return 'done';
    default:
      return assertNever(status);
  }
}

/** A run's group, knowing its resumes: a run a resume of which succeeded needs nothing more. */
export function groupOfRun(run: RunOverview): RunGroupName {
  return run.resumedAs?.status === 'succeeded' ? 'done' : groupOf(run.status);
}

const TITLES: Readonly<Record<RunGroupName, string>> = { running: 'Running', needs_attention: 'Needs attention', done: 'Done' };
const ORDER: readonly RunGroupName[] = ['running', 'needs_attention', 'done'];

/** Runs grouped running / needs attention / done, newest first inside each group; empty groups dropped. */
export function groupRuns(runs: readonly RunOverview[]): RunGroup[] {
  const newestFirst = [...runs].sort((a, b) => b.startedAt - a.startedAt);
  return ORDER.map((name) => ({ name, title: TITLES[name], runs: newestFirst.filter((run) => groupOfRun(run) === name) })).filter(
    (group) => group.runs.length > 0,
  );
}
