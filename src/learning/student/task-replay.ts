/** Figures of one side of a paired comparison (CodeWhale's `{score, cost_microusd}`, extended). */
export interface TaskFigures {
  /** 1 when the run succeeded (its tests passed), else 0; summed over tasks it is CodeWhale's score. */
  readonly score: number;
  readonly success: boolean;
  readonly cost_microusd: number | null;
  readonly tokens: number;
  /** Paid plus memo-served tokens: the work the run needed. */
  readonly work_tokens: number;
  readonly steps: number;
  readonly wall_ms: number | null;
}

/** A test the candidate must pass: one the baseline passed, or one the lesson added. */
export interface RequiredTest {
  readonly nodeId: string;
  readonly iteration: number;
  readonly command: string | null;
  readonly passed: boolean;
}

/** CodeWhale's StudentReplayResult, extended: one task, baseline vs candidate, and what the replay cost. */
export interface TaskReplay {
  readonly task: { readonly baselineRunId: string; readonly workflowId: string | null; readonly sourceFile: string | null; readonly label: string };
  /** The run the candidate is compared with: the baseline, or its replay under the current overlay. */
  readonly comparisonRunId: string;
  /** Null when the lesson does not apply to this task (nothing ran; the candidate is the baseline). */
  readonly candidateRunId: string | null;
  readonly applied: boolean;
  readonly skippedReason?: string;
  readonly baseline: TaskFigures;
  readonly candidate: TaskFigures;
  readonly required_tests: readonly RequiredTest[];
  readonly policy_violations: readonly string[];
  /** The lesson's files changed between the baseline run and HEAD: the baseline no longer reflects the repository. */
  readonly stale: boolean;
  readonly replay: {
    readonly served: number;
    readonly live: number;
    readonly liveNodes: readonly string[];
    readonly providerCalls: number;
    readonly paidTokens: number;
    readonly paidCostMicrousd: number | null;
    /** The baseline had to be replayed under the current overlay first (and what that cost). */
    readonly rebased: boolean;
    readonly rebaseProviderCalls: number;
  };
  /** The scoped files' digest at replay time: a replay made before they changed is out of date. */
  readonly filesDigest: string;
  readonly commit: string | null;
}
