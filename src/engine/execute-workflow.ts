import {
  aggregateStatus,
  childListsOf,
  toCanonicalJson,
  validateSpec,
  type NodeResult,
  type RunStatus,
  type WorkflowResult,
  type NodeSpec,
  type WorkflowSpec,
} from '../ir/index.js';
import { hasErrors, InvalidInputError, sha256Hex } from '../util/index.js';
import { BudgetTracker } from './budget/budget-tracker.js';
import { ENGINE_PATCHES, launchLimitsOf, liveBoundary, type CancelReason } from './contracts/index.js';
import { ENGINE_VERSION } from './engine-version.js';
import type { ExecuteRequest } from './execute-request.js';
import { contributedStatus, sumUsage } from './nodes/node-result.js';
import { runChildrenInOrder } from './nodes/run-children.js';
import { DEFAULT_PERMISSION_GRANT, preflightPermissions, PermissionRefusedError, rootPermissions } from './permissions/index.js';
import { CancelScope, statusForCancel, toCancelReason } from './run/cancel-scope.js';
import { ResultRegistry } from './run/result-registry.js';
import { RunContext, type NodeContext } from './run/run-context.js';
import { SpecIndex } from './run/spec-index.js';
import { specText } from './run/spec-text.js';
import { watchProgress } from './run/watch-progress.js';
import { refuseMemoryWithoutStore } from './nodes/memory-use.js';
import { toRecordedResult } from './recorded-result.js';

export const DEFAULT_MAX_CONCURRENT_LEAVES = 16;
export const DEFAULT_LEAF_IDLE_TIMEOUT_MS = 300_000;
export const DEFAULT_LEAF_STOP_GRACE_MS = 10_000;

/**
 * Runs a workflow to completion and returns its result; emits run_started … run_finished.
 * Before anything starts, the spec passes the validation gate (InvalidInputError) and the
 * permission pre-flight (PermissionRefusedError, naming the nodes); neither emits events.
 * It resolves only after every node has settled: nothing is left running.
 */
export async function executeWorkflow(request: ExecuteRequest): Promise<WorkflowResult> {
  const { spec, environment } = request;
  const diagnostics = request.validated ? [] : validateSpec(spec, request.validation ?? {});
  if (hasErrors(diagnostics)) throw new InvalidInputError(diagnostics, 'the workflow does not pass validation');
  const grant = request.grant ?? DEFAULT_PERMISSION_GRANT;
  const preflight = preflightPermissions(spec, grant);
  if (preflight.refusals.length > 0) throw new PermissionRefusedError(preflight.refusals);
  if (!request.memory && (request.mode ?? 'live') !== 'replay') refuseMemoryWithoutStore(spec);

  const run = new RunContext({
    spec,
    runId: request.runId,
    sink: request.sink,
    boundary: request.boundary ?? liveBoundary,
    leafRunner: request.leafRunner,
    gateway: request.gateway,
    environment,
    grant,
    launchLimits: launchLimitsOf(request.launchLimits),
    maxConcurrentLeaves: request.limits?.maxConcurrentLeaves ?? DEFAULT_MAX_CONCURRENT_LEAVES,
    perProvider: request.limits?.perProvider ?? {},
    leafIdleTimeoutMs: request.limits?.leafIdleTimeoutMs ?? DEFAULT_LEAF_IDLE_TIMEOUT_MS,
    leafStopGraceMs: request.limits?.leafStopGraceMs ?? DEFAULT_LEAF_STOP_GRACE_MS,
    registry: new ResultRegistry(),
    index: new SpecIndex(spec),
    ...(request.memory ? { memory: request.memory } : {}),
    patches: new Set(request.patches ?? ENGINE_PATCHES),
    overlay: request.overlay,
  });
  request.controller?.checkPending((nodeId) => run.index.has(nodeId));
  // run_started is stamped now but written once the first nodes have started (see holdUntilStarted).
  const startedAt = environment.now();
  let hash: string | undefined;
  let startFailure: { readonly error: unknown } | undefined;
  const writeRunStarted = (): void => {
    if (hash !== undefined || startFailure) return;
    try {
      hash = emitRunStarted(run, request, startedAt);
    } catch (error) {
      startFailure = { error };
      run.discardEvents();
    }
  };
  if (hasAtMostNodes(spec.nodes, HOLD_START_MAX_NODES)) run.holdUntilStarted(writeRunStarted);
  else {
    writeRunStarted();
    if (startFailure) throw startFailure.error;
  }

  const root = new CancelScope();
  const detachCaller = linkCallerSignal(request.signal, (reason) => run.cancelNode(root, null, reason));
  // The caller's per-node handle feeds the same scope tree as the signal, budgets and tournaments.
  const detachController = request.controller?.attach({
    cancel: (nodeId, reason) => (nodeId === null ? run.cancelNode(root, null, reason) : run.cancelById(nodeId, reason)),
  });
  const budget = new BudgetTracker(spec.id ?? 'workflow', spec.budget, undefined, root, environment, run.announcer(null));
  const watchdogStop = new AbortController();
  const watchdog = run.settings.leafIdleTimeoutMs > 0 ? watchProgress(run, run.settings.leafIdleTimeoutMs, watchdogStop.signal) : Promise.resolve();
  const context: NodeContext = {
    run,
    parentId: null,
    iteration: 0,
    scope: root,
    budget,
    permissions: rootPermissions(spec.permissions, run.settings.grant),
    modelPolicy: spec.model_policy,
  };
  let results: NodeResult[];
  try {
    const launched = runChildrenInOrder(spec.nodes, context);
    writeRunStarted();
    if (startFailure) {
      // Nothing of this run is recorded: stop what started, then fail as a failed start always did.
      root.cancel({ type: 'shutdown' });
      await launched.catch(() => undefined);
      throw startFailure.error;
    }
    results = await launched;
  } finally {
    watchdogStop.abort();
    await watchdog;
    budget.close();
    detachCaller();
    detachController?.();
  }
  const status = runStatus(results, root.reason);
  const { usage, memoUsage } = sumUsage(results);
  const result: WorkflowResult = { run_id: request.runId, workflow_id: spec.id, spec_hash: hash!, status, results, usage, memo_usage: memoUsage };
  const recorded = toRecordedResult(result);
  const parity = request.judgeParity?.(result, recorded.results_sha256);
  run.emit({ type: 'run_finished', status, usage, memoUsage, result: recorded, ...(parity ? { parity } : {}) });
  return result;
}

/**
 * A spec of at most this many nodes starts its first leaves before run_started is written (see
 * RunContext.holdUntilStarted). A wider one writes run_started first, as before: its text (~400
 * bytes a node) would otherwise be built while every branch's launch already waits, and the two
 * peaks add up (100,000 leaves in memory: 236 -> 263-293 MB).
 */
const HOLD_START_MAX_NODES = 20_000;

/** Whether the tree under `nodes` has at most `max` nodes; stops counting past `max`. */
function hasAtMostNodes(nodes: readonly NodeSpec[], max: number): boolean {
  let count = 0;
  const lists: (readonly NodeSpec[])[] = [nodes];
  for (let list = lists.pop(); list; list = lists.pop()) {
    count += list.length;
    if (count > max) return false;
    for (const node of list) for (const child of childListsOf(node)) lists.push(child.nodes);
  }
  return true;
}

/**
 * Emits run_started with the spec's canonical JSON and returns its hash (specHash(spec) is sha256
 * of exactly this text, so hashing it here saves a second canonicalisation). A function of its
 * own so the JSON — about 400 bytes per node, 40 MB for a 100,000-leaf spec — is garbage once the
 * sink has it, instead of staying alive in executeWorkflow's frame for the whole run.
 */
function emitRunStarted(run: RunContext, request: ExecuteRequest, at: number): string {
  const { spec } = request;
  // A validated spec's JSON is its canonical text; specText writes and hashes it in pieces.
  const { text: canonical, sha256: hash } = request.validated ? specText(spec, (leaf, json) => run.rememberLeafJson(leaf, json)) : canonicalText(spec);
  run.emitStart({
    type: 'run_started',
    specHash: hash,
    spec: canonical,
    engineVersion: ENGINE_VERSION,
    label: request.label ?? spec.id ?? spec.goal,
    mode: request.mode ?? 'live',
    ...(request.parentRunId !== undefined ? { parentRunId: request.parentRunId } : {}),
    ...(request.sourceFile !== undefined ? { sourceFile: request.sourceFile } : {}),
    patches: ENGINE_PATCHES.filter((patch) => run.settings.patches.has(patch)),
    ...(request.overlay !== undefined ? { overlay: request.overlay } : {}),
    grant: run.settings.grant,
    launchLimits: run.settings.launchLimits,
  }, at);
  return hash;
}

function canonicalText(spec: WorkflowSpec): { text: string; sha256: string } {
  const text = toCanonicalJson(spec);
  return { text, sha256: sha256Hex(text) };
}

/** cancelled > budget_exceeded > replay_diverged > failed > succeeded, over every node and the run's own cancel. */
function runStatus(results: readonly NodeResult[], cancel: CancelReason | undefined): RunStatus {
  const statuses = results.map(contributedStatus);
  if (cancel) statuses.push(statusForCancel(cancel));
  return aggregateStatus(statuses);
}

function linkCallerSignal(signal: AbortSignal | undefined, cancel: (reason: CancelReason) => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    cancel(toCancelReason(signal.reason));
    return () => undefined;
  }
  const onAbort = (): void => cancel(toCancelReason(signal.reason));
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
