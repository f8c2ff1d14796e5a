import type { NodeKind, RunStatus, Usage } from '../ir/index.js';

/**
 * What ps, the TUI and the progress block show for a run. `interrupted` is not a stored
 * status: it is judged at read time for a run whose process died without a run_finished.
 * `damaged`: some of the run's stored events cannot be read back (see `damage`).
 */
export type RunDisplayStatus = RunStatus | 'interrupted' | 'damaged';

/** One node as the views show it: the latest execution of that node id (loops overwrite). */
export interface NodeOverview {
  readonly nodeId: string;
  readonly kind: NodeKind | 'unknown';
  readonly parentId: string | null;
  readonly childIds: readonly string[];
  readonly role: string | null;
  /** 'pending' until node_started. */
  readonly status: RunStatus;
  readonly iteration: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly usage: Usage | null;
  readonly memoHits: number;
  readonly lastActivity: string | null;
  readonly lastActivityAt: number | null;
  readonly activityCount: number;
  readonly error: string | null;
  readonly output: string | null;
  /** A leaf's prompt from the spec, when declared there. */
  readonly prompt: string | null;
  /** The model that served the leaf, when its result names one. */
  readonly model: string | null;
  /** The queue worker that ran (or runs) the leaf, as `host:pid`; null when it ran in-process. */
  readonly worker: string | null;
  /** A leaf's external-memory use, one line (contexts, operations, bytes, tokens avoided: an estimate); null without memory. */
  readonly memory: string | null;
}

export interface SlowestLeaf {
  readonly nodeId: string;
  readonly elapsedMs: number;
  /** True when it is still running (then it is the longest of the running leaves). */
  readonly running: boolean;
  /** The queue worker it runs (ran) on, `host:pid`, when it was not in-process. */
  readonly worker?: string;
}

/** The workflow-level budget the spec declares, as stored in run_started. */
export interface ResumedAs {
  readonly runId: string;
  readonly shortId: string;
  readonly status: RunDisplayStatus;
}

export interface RunBudget {
  readonly maxTokens: number | null;
  readonly maxCostMicrousd: number | null;
  readonly timeoutSecs: number | null;
}

export interface RunOverview {
  readonly runId: string;
  readonly shortId: string;
  readonly label: string;
  readonly mode: 'live' | 'replay' | 'resume';
  /** The run this one replays or resumes, if any. */
  readonly parentRunId: string | null;
  readonly sourceFile: string | null;
  readonly status: RunDisplayStatus;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly elapsedMs: number;
  readonly leavesDone: number;
  readonly leavesTotal: number;
  readonly leavesRunning: number;
  readonly failures: number;
  readonly tokens: { readonly input: number; readonly output: number; readonly total: number };
  /** Null when some price is unknown: shown as "unknown", never $0. */
  readonly costMicrousd: number | null;
  readonly memoHits: number;
  readonly slowest: SlowestLeaf | null;
  readonly pid: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastEventAt: number;
  readonly budget: RunBudget;
  /** What the user can do next, e.g. `whaleflow resume 3f2a9c1b` for an interrupted run. */
  readonly suggestedAction: string | null;
  /** A replay's parity verdict, when stored. */
  readonly parityIdentical: boolean | null;
  /** Why the run's record is incomplete (its first unreadable event), or null when it reads whole. */
  readonly damage: string | null;
  /**
   * The newest resume of this run (following resumes of resumes), when it was resumed: a run
   * whose resume succeeded needs nothing more (see linkResumes).
   */
  readonly resumedAs: ResumedAs | null;
}

export const SHORT_ID_LENGTH = 8;

export function shortRunId(runId: string): string {
  return runId.slice(0, SHORT_ID_LENGTH);
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'budget_exceeded', 'replay_diverged']);

export function isTerminalStatus(status: RunStatus): boolean {
  return TERMINAL.has(status);
}
