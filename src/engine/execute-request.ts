import type { ValidationOptions, WorkflowResult, WorkflowSpec } from '../ir/index.js';
import type { EffectBoundary, EnginePatch, EngineEnvironment, LeafRunner, MemoryPort, ModelGateway, RunEventSink, RunOverlay, RunParity } from './contracts/index.js';
import type { PermissionGrant } from './permissions/index.js';
import type { ResultJsonTexts } from './result-json-texts.js';
import type { RunController } from './run-controller.js';

export interface ExecutionLimits {
  /** Leaves running at once across the whole run (default 16). */
  readonly maxConcurrentLeaves?: number;
  /** Leaves and engine model calls running at once per provider name (`model_policy.provider`, else "default"). */
  readonly perProvider?: Readonly<Record<string, number>>;
  /**
   * A leaf that reports no activity (context.activity / spend) for this long is stopped and
   * fails with a no_progress reason (default 300,000 ms; 0 disables the watchdog).
   */
  readonly leafIdleTimeoutMs?: number;
  /**
   * How long a cancelled leaf's runner is given to stop (kill its command, capture its diff,
   * remove its worktree) before the engine stops waiting for it (default 10,000 ms).
   */
  readonly leafStopGraceMs?: number;
}

export interface ExecuteRequest {
  readonly spec: WorkflowSpec;
  readonly runId: string;
  readonly label?: string;
  readonly sink: RunEventSink;
  /**
   * The external memory store (docs/memory.md). Without it a live or resumed run that uses memory
   * nodes is refused before it starts; a replay needs none (it serves every memory effect).
   */
  readonly memory?: MemoryPort;
  /** Where effects are performed or served (default liveBoundary). */
  readonly boundary?: EffectBoundary;
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  readonly environment: EngineEnvironment;
  readonly limits?: ExecutionLimits;
  /** The user's permission ceiling (default DEFAULT_PERMISSION_GRANT). */
  readonly grant?: PermissionGrant;
  /** Aborting it cancels the run (reason: the signal's CancelReason, else a user cancel). */
  readonly signal?: AbortSignal;
  /**
   * Cancels the whole run or one node (and its subtree) while it runs, through the same scope
   * tree as `signal`; see RunController. Optional and additive: `signal` keeps working alone.
   */
  readonly controller?: RunController;
  readonly mode?: 'live' | 'replay' | 'resume';
  /**
   * A replay's judge: given the finished result (the whole tree, which run_finished does not
   * carry) and the digest of its tree that run_finished records (so the judge need not hash the
   * tree again), the verdict stored on run_finished as `parity`.
   */
  readonly judgeParity?: (result: WorkflowResult, resultsDigest: string) => RunParity;
  /** Keeps the JSON the results digest makes of the leaves, for a caller that prints the result as JSON (see ResultJsonTexts). */
  readonly resultJson?: ResultJsonTexts;
  readonly parentRunId?: string;
  readonly sourceFile?: string;
  /** Options of the validation gate the spec passes before it runs (e.g. a higher maxAgents). */
  readonly validation?: ValidationOptions;
  /**
   * The user's launch limits (`--max-agents`, `--max-depth`; default CodeWhale's 100 and 5):
   * model-written expansions are held to what is left of them where each expand sits. Recorded
   * in run_started; replay and resume pass the recorded ones.
   */
  readonly launchLimits?: { readonly maxAgents?: number; readonly maxDepth?: number };
  /**
   * The caller already passed this very spec, unchanged, through the gate (compileWorkflowFile,
   * or parseWorkflowSpec + validateSpec), so the engine skips its second validation pass and
   * serializes the spec directly (a parsed spec is already in canonical field order) instead of
   * re-parsing it — on a 100,000-node spec each costs more memory than the run itself. The
   * permission pre-flight always runs.
   */
  readonly validated?: boolean;
  /**
   * With `validated`: the spec's canonical text (exactly `JSON.stringify(spec)`) and its SHA-256,
   * known already, which run_started then records instead of writing the text again: a replay's
   * recorded text, shown by parseRecordedSpec to be its spec's and hashed by the replay.
   */
  readonly specText?: { readonly text: string; readonly sha256: string };
  /**
   * The behaviour changes to run with (default: every one in ENGINE_PATCHES). Replay and resume
   * pass the recorded run's (`recordedPatches(run_started)`), so its trace keeps matching.
   */
  readonly patches?: readonly EnginePatch[];
  /**
   * The overlay of promoted lessons, as data (learning/ builds it; the engine never reads lessons).
   * Recorded in run_started; a replay or resume passes the recorded one so keys match exactly.
   */
  readonly overlay?: RunOverlay;
}
