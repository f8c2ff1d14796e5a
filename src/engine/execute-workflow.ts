import {
  aggregateStatus,
  toCanonicalJson,
  validateSpec,
  type NodeResult,
  type RunStatus,
  type WorkflowResult,
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
import { SpecTextWriter, type SpecText } from './run/spec-text.js';
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
  // One walk of the spec at the start: the index counts the nodes and notes memory users as it is built.
  const index = new SpecIndex(spec);
  if (!request.memory && (request.mode ?? 'live') !== 'replay' && index.usesMemory) refuseMemoryWithoutStore(spec);

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
    index,
    ...(request.memory ? { memory: request.memory } : {}),
    patches: new Set(request.patches ?? ENGINE_PATCHES),
    overlay: request.overlay,
  });
  request.controller?.checkPending((nodeId) => run.index.has(nodeId));
  // run_started is stamped now but written once the first nodes have started (see holdUntilStarted).
  const startedAt = environment.now();
  const root = new CancelScope();
  let startText: StartText | undefined = startTextOf(run, request);
  let hash: string | undefined;
  let startFailure: { readonly error: unknown } | undefined;
  const writeRunStarted = (): void => {
    const writing = startText;
    if (!writing) return;
    startText = undefined; // its text is garbage once the sink has it (~400 bytes a node)
    try {
      hash = emitRunStarted(run, request, writing.finish(), startedAt);
    } catch (error) {
      startFailure = { error };
      run.discardEvents();
      // Nothing of this run is recorded: stop what started (not from inside the emit that got here).
      queueMicrotask(() => root.cancel({ type: 'shutdown' }));
    }
  };
  const holding = index.nodeCount <= HOLD_START_MAX_NODES;
  if (holding) run.holdUntilStarted(writeRunStarted);
  else {
    writeRunStarted();
    if (startFailure) throw startFailure.error;
  }

  const detachCaller = linkCallerSignal(request.signal, (reason) => run.cancelNode(root, null, reason));
  // The caller's per-node handle feeds the same scope tree as the signal, budgets and tournaments.
  const detachController = request.controller?.attach({
    cancel: (nodeId, reason) => (nodeId === null ? run.cancelNode(root, null, reason) : run.cancelById(nodeId, reason)),
  });
  const budget = new BudgetTracker(spec.id ?? 'workflow', spec.budget, undefined, root, environment, run.announcer(null));
  const watchdogStop = new CancelScope();
  const watchdog = run.settings.leafIdleTimeoutMs > 0 ? watchProgress(run, run.settings.leafIdleTimeoutMs, watchdogStop) : Promise.resolve();
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
    // The text is written a batch of nodes per turn of the event loop while the first leaves
    // wait, so the answers that come meanwhile are taken on time (see writeInTurns).
    if (holding) writeInTurns(() => startText, writeRunStarted);
    // What a start that failed stopped may fail any way: the failed start is the run's error.
    results = await launched.catch((error: unknown) => {
      if (startFailure) return [];
      throw error;
    });
    // A run that settled before its text was written whole writes the rest now, before run_finished.
    writeRunStarted();
    // Nothing of this run is recorded: what started was stopped, and it fails as a failed start always did.
    if (startFailure) throw startFailure.error;
  } finally {
    watchdogStop.cancel({ type: 'shutdown' });
    await watchdog;
    budget.close();
    detachCaller();
    detachController?.();
  }
  const status = runStatus(results, root.reason);
  const { usage, memoUsage } = sumUsage(results);
  const result: WorkflowResult = { run_id: request.runId, workflow_id: spec.id, spec_hash: hash!, status, results, usage, memo_usage: memoUsage };
  const recorded = toRecordedResult(result, request.resultJson, run.preparedResults);
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

/** run_started's text being written: a validated spec's a batch of nodes at a time, another's at once. */
type StartText = Pick<SpecTextWriter, 'step' | 'finish'>;

function startTextOf(run: RunContext, request: ExecuteRequest): StartText {
  const { spec } = request;
  const known = request.validated ? request.specText : undefined;
  if (known) return { step: () => true, finish: () => known };
  // A validated spec's JSON is its canonical text; SpecTextWriter writes and hashes it in pieces.
  if (request.validated) return new SpecTextWriter(spec, (leaf, json) => run.rememberLeafJson(leaf, json));
  let text: SpecText | undefined;
  const finish = (): SpecText => (text ??= canonicalText(spec));
  return { step: () => (finish(), true), finish };
}

/**
 * Writes run_started's text a few steps per turn of the event loop (setImmediate: after the
 * turn's timers and I/O), then run_started itself; it stops once `pending` has nothing left,
 * whoever wrote it (the run's end, or RunContext's limit on held events). Written in one go, the
 * text of a 2,000-leaf spec and its input hashes (~10–25 ms on a cold engine) held up the first
 * leaves' answers, and every leaf after them started that much later. Only scheduling depends on
 * this: the sink hears the same events in the same order.
 */
function writeInTurns(pending: () => StartText | undefined, writeRunStarted: () => void): void {
  const turn = (): void => {
    const text = pending();
    if (!text) return;
    try {
      for (let step = 0; step < STEPS_PER_TURN; step += 1) {
        if (text.step()) {
          writeRunStarted();
          return;
        }
      }
      setImmediate(turn);
    } catch {
      writeRunStarted(); // which meets the same error again, and fails the start with it
    }
  };
  setImmediate(turn);
}

/** Steps of run_started's text per turn: up to 256 plain nodes, ~1–2 ms on a cold engine. */
const STEPS_PER_TURN = 2;

/**
 * Emits run_started with the spec's canonical JSON and returns its hash (specHash(spec) is sha256
 * of exactly this text, so hashing it here saves a second canonicalisation). A function of its
 * own so the JSON — about 400 bytes per node, 40 MB for a 100,000-leaf spec — is garbage once the
 * sink has it, instead of staying alive in executeWorkflow's frame for the whole run.
 */
function emitRunStarted(run: RunContext, request: ExecuteRequest, { text: canonical, sha256: hash }: SpecText, at: number): string {
  const { spec } = request;
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

function canonicalText(spec: WorkflowSpec): SpecText {
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
