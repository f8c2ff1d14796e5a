import {
  DEFAULT_PERMISSION_GRANT,
  executeWorkflow,
  recordedPatches,
  resultsDigest,
  RunController,
  systemEnvironment,
  type EngineEnvironment,
  type ExecutionLimits,
  type LeafRunner,
  type MemoryPort,
  type ModelGateway,
  type PermissionGrant,
  type RecordedWorkflowResult,
  type RunEvent,
  type RunEventSink,
} from '../engine/index.js';
import type { Usage, WorkflowResult } from '../ir/index.js';
import { ReplayBoundary, type UnaskedEffect } from '../trace/index.js';
import { compareNodeEvents, NodeRecord } from './compare-node-events.js';
import { compareResults, withRecordedKeys, type CompareOptions, type ParityVerdict } from './compare-results.js';
import { describeDifference } from './describe-difference.js';
import { countLivePorts, forbiddenLivePorts, type LiveCallCounts } from './forbidden-live-ports.js';
import { selectLiveNodes } from './live-node-selection.js';
import type { RecordedRun } from './recorded-run.js';

/**
 * A pure replay runs under the grant the run was recorded with: nothing runs for real, but the
 * grant decides facts of the result (a writer the grant isolated records `isolation:
 * worktree`; a leaf it refused fails), so any other grant replays a different result. A run
 * recorded before grants were kept gets `whaleflow run`'s default grant — what most runs had —
 * with network allowed, since a run that started passed the pre-flight for its own leaves.
 */
const PRE_GRANT_RECORDING: PermissionGrant = { ...DEFAULT_PERMISSION_GRANT, allowNetwork: true };

function recordedGrant(recorded: RecordedRun): PermissionGrant {
  return recorded.started.grant ?? PRE_GRANT_RECORDING;
}
/** The recorded spec already passed the launch-shape gate once; a replay does not re-judge it. */
const REPLAY_VALIDATION = { maxAgents: Number.MAX_SAFE_INTEGER, maxDepth: Number.MAX_SAFE_INTEGER };

export interface ReplayRequest {
  readonly recorded: RecordedRun;
  readonly runId: string;
  /** Where the replay itself is recorded (a TraceSink); it is a run of mode 'replay'. */
  readonly sink: RunEventSink;
  /** Run effects the trace lacks live (`--allow-live`). */
  readonly allowLive?: boolean;
  /** Re-run this node and its dependents live (`--from NODE`). */
  readonly fromNodeId?: string;
  /** Ports for live effects; a pure replay gets ports that refuse every call. */
  readonly leafRunner?: LeafRunner;
  readonly gateway?: ModelGateway;
  /** The memory store, for memory effects that run live (--from, --allow-live); a pure replay needs none. */
  readonly memory?: MemoryPort;
  readonly grant?: PermissionGrant;
  readonly environment?: EngineEnvironment;
  readonly limits?: ExecutionLimits;
  readonly signal?: AbortSignal;
  /**
   * The replay's controller, to stop it from outside (`whaleflow cancel` through superviseRun);
   * recorded cancels are re-applied through it too. Default: one of its own.
   */
  readonly controller?: RunController;
  /**
   * The recorded spec comes from a trusted store (it passed the gate when it first ran), so the
   * engine may skip validating it again. Leave unset for an export file from elsewhere.
   */
  readonly trustedSpec?: boolean;
}

export interface ReplayOutcome {
  readonly runId: string;
  readonly result: WorkflowResult;
  readonly parity: ParityVerdict;
  /** Determinism violations and never-asked recorded effects, in the order found. */
  readonly divergences: readonly string[];
  readonly servedFromTrace: number;
  readonly ranLive: number;
  /** The nodes `--from` re-ran live (empty without it). */
  readonly liveNodes: readonly string[];
  /** Calls that reached a leaf runner or the gateway; zero for a pure replay. */
  readonly liveCalls: LiveCallCounts;
}

/**
 * Re-executes a recorded run's spec with every effect served from its trace, records the
 * replay as a new run, and judges parity with the recorded result. The verdict is also
 * stored on the replay's run_finished event.
 */
export async function replayRun(request: ReplayRequest): Promise<ReplayOutcome> {
  const { recorded } = request;
  const liveNodes = request.fromNodeId ? selectLiveNodes(recorded.spec, request.fromNodeId) : new Set<string>();
  // A cancelled run replays its cancels: what a recorded cancel cut off is stopped again, through this controller.
  const controller = request.controller ?? new RunController();
  const interruptions = { cancels: recorded.cancels, controller };
  const boundary = new ReplayBoundary(recorded.effects, { allowLive: request.allowLive, liveNodes, interruptions });
  const mayRunLive = request.allowLive === true || liveNodes.size > 0;
  const ports =
    mayRunLive && request.leafRunner && request.gateway
      ? countLivePorts(request.leafRunner, request.gateway)
      : forbiddenLivePorts();
  let parity: ParityVerdict = { identical: false, detail: 'the replay did not finish' };
  let divergences: string[] = [];
  // The replay's node results and where each node sits, kept to say where it diverged should the
  // result digests differ (node_started events themselves are not kept: a parent id is all they give).
  const replayedNodes = new NodeRecord();
  const judgingSink: RunEventSink = {
    emit(event: RunEvent): void {
      replayedNodes.add(event);
      request.sink.emit(event);
    },
  };
  // Called by the engine with the whole result tree just before run_finished, which stores the verdict.
  const judge = (replayed: WorkflowResult, digest: string): ParityVerdict => {
    const unasked = boundary.unasked();
    divergences = [...boundary.violations.map((violation) => violation.message), ...unasked.map((entry) => entry.message)];
    parity = judgeParity(recorded, { result: replayed, digest }, replayedNodes, boundary, unasked);
    return parity;
  };
  const result = await executeWorkflow({
    spec: recorded.spec,
    runId: request.runId,
    label: `replay of ${recorded.started.label}`,
    sink: judgingSink,
    judgeParity: judge,
    boundary,
    leafRunner: ports.leafRunner,
    gateway: ports.gateway,
    ...(mayRunLive && request.memory ? { memory: request.memory } : {}),
    environment: request.environment ?? systemEnvironment(),
    limits: request.limits,
    // With live parts (--from, --allow-live) the caller's grant governs what runs for real.
    grant: mayRunLive ? request.grant : (request.grant ?? recordedGrant(recorded)),
    signal: request.signal,
    controller,
    mode: 'replay',
    parentRunId: recorded.runId,
    // The recording's behaviour, not today's: a trace from before a change replays as it ran.
    patches: recordedPatches(recorded.started),
    // Expansions are judged again as they were: against the limits the run was recorded with.
    ...(recorded.started.launchLimits ? { launchLimits: recorded.started.launchLimits } : {}),
    sourceFile: recorded.started.sourceFile,
    validation: REPLAY_VALIDATION,
    // The recorded text is recorded again as it is when it was shown to be the spec's own.
    ...(request.trustedSpec ? { validated: true, ...(recorded.specText ? { specText: recorded.specText } : {}) } : {}),
    // The overlay is an input of the run: the recorded one is applied again, whatever the overlay is now.
    ...(recorded.started.overlay ? { overlay: recorded.started.overlay } : {}),
  });
  return {
    runId: request.runId,
    result,
    parity,
    divergences,
    servedFromTrace: boundary.servedFromTrace,
    ranLive: boundary.ranLive,
    liveNodes: [...liveNodes],
    liveCalls: { ...ports.counts },
  };
}

/** The replayed result, and the digest of its tree the engine computed for run_finished. */
interface ReplayedResult {
  readonly result: WorkflowResult;
  readonly digest: string;
}

function judgeParity(
  recorded: RecordedRun,
  { result: replayed, digest }: ReplayedResult,
  replayedNodes: NodeRecord,
  boundary: ReplayBoundary,
  unasked: readonly UnaskedEffect[],
): ParityVerdict {
  const firstViolation = boundary.violations[0];
  if (firstViolation) return { identical: false, divergedAt: firstViolation.scope.nodeId, detail: firstViolation.message };
  const firstUnasked = unasked[0];
  if (firstUnasked) return { identical: false, divergedAt: firstUnasked.effect.scope.nodeId, detail: firstUnasked.message };
  if (!recorded.result) return { identical: false, detail: `run ${recorded.runId} has no recorded result to compare with (it did not finish)` };
  // Live effects (--from, --allow-live) may be served by the memo the recording filled: what they
  // cost is then not what they produced, so the verdict judges results and says the cost beside it.
  const resultsOnly = boundary.ranLive > 0;
  const verdict = judgeResults(recorded, recorded.result, { result: replayed, digest }, replayedNodes, { redactedKeys: boundary.redactedKeys, resultsOnly });
  const accounting = resultsOnly ? accountingChange(recorded.result, replayed) : undefined;
  return accounting ? { ...verdict, accounting } : verdict;
}

function judgeResults(recorded: RecordedRun, result: RecordedWorkflowResult, { result: replayed, digest }: ReplayedResult, replayedNodes: NodeRecord, options: CompareOptions): ParityVerdict {
  // A trace recorded before run_finished stopped carrying the tree: compare the trees themselves.
  if (result.results) return compareResults({ ...result, results: result.results }, replayed, options);
  // Effects served by their redacted input were hashed without the secret: judge with the recorded hashes.
  const tree = withRecordedKeys(replayed, options);
  // The engine's digest is of the replayed tree; a tree given back its recorded keys is hashed anew.
  const treeDigest = tree === replayed ? digest : resultsDigest(tree.results);
  // Identity first, then the nodes (a node-level difference is the useful one), then totals.
  const identity = firstDifference(result, tree, ['workflow_id', 'spec_hash']);
  if (identity) return identity;
  // Equal digests: equal trees, without reading a node event. The digest was taken before the
  // trace redacted secrets, so a run that had one differs here and is judged node by node: the
  // node events hold every field of a node's result but its input hash (which the boundary has
  // already matched to the recording's, or reported) and its children (the node events present).
  if (result.results_sha256 !== treeDigest) {
    const nodes = compareNodeEvents(recorded.nodeEvents(), replayedNodes, options);
    if (nodes) return nodes;
  }
  const totals = firstDifference(result, tree, options.resultsOnly ? ['status'] : ['status', 'usage', 'memo_usage']);
  return totals ?? { identical: true };
}

/** How the run's cost moved, when it did: `tokens 104 → 17, memo hits 1 → 3`. */
function accountingChange(recorded: RecordedWorkflowResult, replayed: WorkflowResult): string | undefined {
  const tokens = (usage: Usage) => usage.input_tokens + usage.output_tokens;
  const parts: string[] = [];
  const [before, after] = [tokens(recorded.usage), tokens(replayed.usage)];
  if (before !== after) parts.push(`tokens ${before} → ${after}`);
  const [hitsBefore, hitsAfter] = [recorded.memo_usage?.armh_hits ?? 0, replayed.memo_usage.armh_hits];
  if (hitsBefore !== hitsAfter) parts.push(`memo hits ${hitsBefore} → ${hitsAfter}`);
  return parts.length > 0 ? `the live effects cost differently: ${parts.join(', ')}` : undefined;
}

function firstDifference(recorded: RecordedWorkflowResult, replayed: WorkflowResult, fields: readonly ('workflow_id' | 'spec_hash' | 'status' | 'usage' | 'memo_usage')[]): ParityVerdict | undefined {
  for (const field of fields) {
    const difference = describeDifference(field, recorded[field] ?? null, replayed[field] ?? null);
    if (difference) return { identical: false, divergedAt: 'run', detail: difference };
  }
  return undefined;
}
