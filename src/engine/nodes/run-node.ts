import type { NodeResult, NodeSpec } from '../../ir/index.js';
import { assertNever } from '../../util/index.js';
import { CancelScope } from '../run/cancel-scope.js';
import type { FifoSemaphore } from '../scheduling/fifo-semaphore.js';
import type { Entry } from '../run/result-registry.js';
import type { NodeContext } from '../run/run-context.js';
import { DeterminismViolation, isPending, type MaybePromise, type RunEventOf } from '../contracts/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import { cancelledResult, errorMessage, failedResult, nodeResult } from './node-result.js';
import { runBranchSet } from './run-branch-set.js';
import { runCond } from './run-cond.js';
import { runExpand } from './run-expand.js';
import { leafRole } from './leaf-role.js';
import { runLeaf } from './run-leaf.js';
import { runLoopUntil } from './run-loop-until.js';
import { runMemory } from './run-memory.js';
import { runPareto } from './run-pareto.js';
import { runReduce } from './run-reduce.js';
import { runSequence } from './run-sequence.js';
import { runTeacherReview } from './run-teacher-review.js';
import { runTournament } from './run-tournament.js';

/**
 * Runs one node in its own cancel scope (a child of its container's), records node_started and
 * node_finished, and settles its result for the nodes that wait on it. After a container, every
 * descendant that did not run (an arm not taken, a template) settles as absent. No async frame:
 * this runs once per node, and a leaf that finished at once (see admitted-leaf) is finished here
 * in the same turn, its result returned as is. `slot`, a branch window's permit the node holds,
 * is released once node_finished is recorded (or the node failed to start), however it ends: in
 * finishNode's turn, so the branch starts its next child without a promise of its own between.
 */
export function runNode(node: NodeSpec, parent: NodeContext, slot?: FifoSemaphore): MaybePromise<NodeResult> {
  // Whatever throws (a sink that cannot record node_started) rejects, as it did from an async function.
  try {
    return startNode(node, parent, slot);
  } catch (error) {
    return Promise.reject(error);
  }
}

function startNode(node: NodeSpec, parent: NodeContext, slot: FifoSemaphore | undefined): MaybePromise<NodeResult> {
  const { run } = parent;
  const id = node.spec.id;
  const scope = new CancelScope(parent.scope);
  let entry: Entry;
  let context: NodeContext;
  try {
    const startedAt = run.environment.now();
    entry = run.registry.started(id, scope, startedAt);
    // Field by field rather than a spread: once per node on the hot path.
    context = {
      run,
      parentId: id,
      iteration: parent.iteration,
      scope,
      budget: parent.budget,
      permissions: parent.permissions,
      modelPolicy: parent.modelPolicy,
      previousIteration: parent.previousIteration,
      branchDepth: parent.branchDepth,
      entry,
    };
    // The role is in the literal: added afterwards, every leaf's event grew an out-of-object property store.
    const role = roleOf(node);
    const { runId } = run;
    const started: RunEventOf<'node_started'> = role
      ? { type: 'node_started', runId, at: startedAt, nodeId: id, kind: node.kind, parentId: parent.parentId, iteration: parent.iteration, role }
      : { type: 'node_started', runId, at: startedAt, nodeId: id, kind: node.kind, parentId: parent.parentId, iteration: parent.iteration };
    run.emitStamped(started);
  } catch (error) {
    slot?.release();
    throw error;
  }
  let running: MaybePromise<NodeResult>;
  try {
    running = dispatch(node, context);
  } catch (error) {
    return finishNode(node, parent, scope, entry, resultOfThrow(node, scope, error), slot);
  }
  if (!isPending(running)) return finishNode(node, parent, scope, entry, running, slot);
  return running.then(
    (result) => finishNode(node, parent, scope, entry, result, slot),
    (error: unknown) => finishNode(node, parent, scope, entry, resultOfThrow(node, scope, error), slot),
  );
}

/**
 * Closes the node's scope, settles its result for its waiters, records node_finished, then gives
 * back the node's slot: once, however that went.
 */
function finishNode(node: NodeSpec, parent: NodeContext, scope: CancelScope, entry: Entry, result: NodeResult, slot: FifoSemaphore | undefined): NodeResult {
  try {
    const { run } = parent;
    const id = node.spec.id;
    scope.close();
    const finishedAt = run.environment.now();
    run.registry.settle(id, result, finishedAt, entry);
    if (node.kind === 'leaf') run.recordLeafResult(result);
    // Only containers can leave descendants unsettled. A branch's or sequence's result lists what
    // each of its children finished with, in order (runChildrenInParallel, runChildrenInOrder).
    if (node.kind !== 'leaf') run.registry.settleUnrunBelow(node, node.kind === 'branch_set' || node.kind === 'sequence' ? result.children : undefined);
    const finished: Mutable<RunEventOf<'node_finished'>> = {
      type: 'node_finished',
      runId: run.runId,
      at: finishedAt,
      nodeId: id,
      kind: node.kind,
      iteration: parent.iteration,
      status: result.status,
      output: result.output,
      usage: result.usage,
      memoUsage: result.memo_usage,
    };
    if (result.error !== undefined) finished.error = result.error;
    if (result.details !== undefined) finished.details = result.details;
    run.emitStamped(finished);
  } catch (error) {
    slot?.release();
    throw error;
  }
  slot?.release();
  return result;
}

function dispatch(node: NodeSpec, context: NodeContext): MaybePromise<NodeResult> {
  switch (node.kind) {
    case 'leaf':
      return runLeaf(node, context);
    case 'branch_set':
      return runBranchSet(node, context);
    case 'sequence':
      return runSequence(node, context);
    case 'reduce':
      return runReduce(node, context);
    case 'loop_until':
      return runLoopUntil(node, context);
    case 'cond':
      return runCond(node, context);
    case 'expand':
      return runExpand(node, context);
    case 'tournament':
      return runTournament(node, context);
    case 'pareto':
      return runPareto(node, context);
    case 'teacher_review':
      return runTeacherReview(node, context);
    case 'memory':
      return runMemory(node, context);
    default:
      return assertNever(node, 'node kind');
  }
}

/** A handler let an effect error through: a cancel, a replay divergence, or a bug. */
function resultOfThrow(node: NodeSpec, scope: CancelScope, error: unknown): NodeResult {
  if (scope.reason) return cancelledResult(node, scope.reason);
  if (error instanceof DeterminismViolation) return nodeResult(node, 'replay_diverged', { error: error.message });
  return failedResult(node, `internal error: ${errorMessage(error)}`);
}

/** The model role a node calls, for the TUI; containers and computed selections have none. */
function roleOf(node: NodeSpec): string | undefined {
  switch (node.kind) {
    case 'leaf':
      return leafRole(node.spec);
    case 'reduce':
      return node.spec.role ?? 'reducer';
    case 'expand':
      return node.spec.role ?? 'planner';
    case 'tournament':
      return node.spec.by === 'judge' ? (node.spec.role ?? 'judge') : undefined;
    case 'loop_until':
    case 'cond':
    case 'branch_set':
    case 'sequence':
    case 'pareto':
    case 'teacher_review':
    case 'memory':
      return undefined;
    default:
      return assertNever(node, 'node kind');
  }
}
