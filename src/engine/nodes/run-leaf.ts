import { leafInputHashOf, type LeafSpec, type NodeOfKind, type NodeResult, type Usage } from '../../ir/index.js';
import { BudgetTracker } from '../budget/budget-tracker.js';
import { hasBudget } from '../budget/has-budget.js';
import {
  DeterminismViolation,
  InterruptedEffect,
  stoppedLeafArtifacts,
  type EffectRequest,
  type EffectResult,
  type EffectivePermissions,
  type LeafRunInput,
  type LoadedContext,
  type OverlayPart,
} from '../contracts/index.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
import { performEffect, settleAfterCancel } from '../effects/perform-effect.js';
import { planLeafPermissions } from '../permissions/index.js';
import { mergeModelPolicy, providerOf, type NodeContext, type RunningLeaf } from '../run/run-context.js';
import { LeafMemoryAccess } from './leaf-memory-access.js';
import { leafEffectKey } from '../run/overlay-part.js';
import { LeafRunReporter, type Spent } from './leaf-run-reporter.js';
import { loadedContextOf } from './run-memory.js';
import { leafRole } from './leaf-role.js';
import { scoreOf, testOutcomeOf } from './leaf-outcome.js';
import { cancelledResult, errorMessage, failedResult, nodeResult, type ResultFields } from './node-result.js';
import { referencedOutput } from './referenced-outputs.js';
import { resolveReferences } from './resolve-references.js';
import { sha256Hex } from '../../util/index.js';

/** Attempts after a failure the runner marked retryable (a provider 429/5xx), each its own effect. */
const MAX_RETRIES = 2;
const NO_INPUTS: Readonly<Record<string, string | null>> = Object.freeze({});

/**
 * A leaf: wait for the outputs it depends on, take a global slot and a provider slot, run it
 * through the effect boundary keyed by its input hash, charge its usage to every budget level
 * above it, and judge the outcome (a test leaf passes only with the expected exit code).
 * A leaf that waits for nothing and has no budget of its own goes straight to runAdmitted: no
 * async frame before it (a promise per leaf on the hot path).
 */
export function runLeaf(node: NodeOfKind<'leaf'>, context: NodeContext): Promise<NodeResult> {
  const leaf = node.spec;
  if (context.scope.reason) return Promise.resolve(cancelledResult(node, context.scope.reason));
  if (leaf.depends_on_results.length === 0 && !leaf.memory) return admitLeaf(node, context, NO_INPUTS, undefined, undefined);
  return runLeafAfterInputs(node, context);
}

async function runLeafAfterInputs(node: NodeOfKind<'leaf'>, context: NodeContext): Promise<NodeResult> {
  const leaf = node.spec;
  const { scope } = context;
  let resolved = NO_INPUTS;
  let dependencies: ReadonlyMap<string, NodeResult> | undefined;
  if (leaf.depends_on_results.length > 0) {
    const references = await resolveReferences(context, leaf.id, leaf.depends_on_results, 'depends_on_results');
    // A cancelled run reports its waiting consumers as cancelled, not as failed by their cancelled producers.
    if (scope.reason) return cancelledResult(node, scope.reason);
    if (references.problems.length > 0) return failedResult(node, references.problems.join('; '));
    // A container dependency reads as its children's outputs in declaration order (see referencedOutput).
    resolved = Object.fromEntries(leaf.depends_on_results.map((id) => [id, referencedOutput(references.results.get(id), context.run.settings.patches)]));
    dependencies = references.results;
  }
  let memory: ReadonlyMap<string, LoadedContext> | undefined;
  if (leaf.memory) {
    const contexts = await resolveMemoryContexts(context, leaf.id, leaf.memory.contexts);
    if (scope.reason) return cancelledResult(node, scope.reason);
    if (typeof contexts === 'string') return failedResult(node, contexts);
    memory = contexts;
  }
  return admitLeaf(node, context, resolved, dependencies, memory);
}

/** The permission check and the leaf count, then the run; a leaf with a budget of its own gets its level. */
function admitLeaf(
  node: NodeOfKind<'leaf'>,
  context: NodeContext,
  resolved: Readonly<Record<string, string | null>>,
  dependencies: ReadonlyMap<string, NodeResult> | undefined,
  memory: ReadonlyMap<string, LoadedContext> | undefined,
): Promise<NodeResult> {
  const leaf = node.spec;
  const plan = planLeafPermissions(leaf, context.permissions, context.run.settings.grant);
  if (plan.refusals.length > 0) return Promise.resolve(failedResult(node, `permission refused: ${plan.refusals.map((refusal) => refusal.message).join('; ')}`));
  const launch = (inner: NodeContext): Promise<NodeResult> => {
    const baseDiffs = plan.permissions.isolation === 'worktree' && inner.run.settings.patches.has('worktree-base-diffs') ? startingDiffs(leaf, dependencies, inner.previousIteration) : NO_BASE_DIFFS;
    return runAdmitted(node, inner, resolved, plan.permissions, memory, baseDiffs);
  };
  if (hasBudget(leaf.budget)) return withOwnBudget(node, context, launch);
  if (!context.budget.reserveLeaf()) return Promise.resolve(cancelledResult(node, context.scope.reason ?? { type: 'shutdown' }));
  return launch(context);
}

const NO_BASE_DIFFS: readonly BaseDiff[] = Object.freeze([]);

/** A leaf with a budget of its own: its level, closed when the leaf ends. */
async function withOwnBudget(node: NodeOfKind<'leaf'>, context: NodeContext, launch: (inner: NodeContext) => Promise<NodeResult>): Promise<NodeResult> {
  const leaf = node.spec;
  const budget = new BudgetTracker(leaf.id, leaf.budget, context.budget, context.scope, context.run.environment, context.run.announcer(leaf.id));
  try {
    if (!budget.reserveLeaf()) return cancelledResult(node, context.scope.reason ?? { type: 'shutdown' });
    return await launch({ ...context, budget });
  } finally {
    budget.close();
  }
}

/**
 * Waits for the global and provider slots (leaving the queue if cancelled), then runs the leaf
 * through the boundary, retrying a retryable failure. One async frame on purpose: this is the
 * hot path, and every extra frame is a promise per leaf.
 */
async function runAdmitted(
  node: NodeOfKind<'leaf'>,
  context: NodeContext,
  resolved: Readonly<Record<string, string | null>>,
  permissions: EffectivePermissions,
  memory: ReadonlyMap<string, LoadedContext> | undefined,
  baseDiffs: readonly BaseDiff[],
): Promise<NodeResult> {
  const { run, scope } = context;
  const leaf = node.spec;
  const inputHash = leafInputHashOf(run.leafHashPrefix, JSON.stringify(leaf), leaf, resolved);
  const effectHash = withBaseDiffs(inputHash, baseDiffs);
  const providerSlots = run.providerSlotsFor(providerOf(mergeModelPolicy(context.modelPolicy, leaf.model_policy)));
  let heldGlobal = false;
  let heldProvider = false;
  const spent: Spent = { tokens: 0, cost: 0, steps: 0 };
  let running: RunningLeaf | undefined;
  let result: EffectResult | undefined;
  let attempts = 0;
  try {
    const globalWait = run.globalLeafSlots.acquire(scope);
    if (globalWait) await globalWait;
    heldGlobal = true;
    const providerWait = providerSlots?.acquire(scope);
    if (providerWait) await providerWait;
    heldProvider = providerSlots !== undefined;
    const now = run.environment.now();
    running = { nodeId: leaf.id, startedAt: now, lastActivityAt: now, modelCalls: 0, scope };
    run.runningLeaves.set(leaf.id, running);
    const role = leafRole(leaf);
    const overlay = run.overlayPart(leaf.id, role);
    const started = running;
    const live = (request: EffectRequest): Promise<EffectResult> => {
      const effect = { iteration: context.iteration, ordinal: request.ordinal };
      // Optional fields assigned, not spread: an empty literal per absent field, per leaf, was garbage.
      const input: Mutable<LeafRunInput> = { workflow: run.spec, leaf, resolvedInputs: resolved, inputHash, role, permissions, budget: context.budget.remaining(), runId: run.settings.runId, effect };
      if (overlay) input.overlay = overlay;
      if (baseDiffs.length > 0) input.baseDiffs = baseDiffs;
      const reporter = new LeafRunReporter(context, started, spent);
      // Operations are nested in this attempt's effect: a retry is a new effect with its own.
      if (memory) reporter.memory = new LeafMemoryAccess(context, leaf, memory, run.settings.memory, request, reporter);
      const runner = run.settings.leafRunner.run(input, reporter);
      return settleAfterCancel(runner, scope, run.settings.leafStopGraceMs, run.environment);
    };
    do {
      attempts += 1;
      const effectInput = leafEffectInput(leaf.id, role, resolved, memory, overlay, baseDiffs);
      const outcome = await performEffect(context, { kind: 'leaf', key: leafEffectKey(effectHash, overlay), nodeId: leaf.id, input: effectInput }, live);
      result = outcome.result;
      chargeRemainder(context, result, spent);
    } while (result.status === 'failed' && result.retryable && attempts <= MAX_RETRIES && !scope.reason);
  } catch (error) {
    if (error instanceof InterruptedEffect && error.spentUsage) adoptRecordedSpend(context, error.spentUsage, spent);
    const artifacts = stoppedLeafArtifacts(error);
    if (artifacts) run.emit({ type: 'leaf_stopped', nodeId: leaf.id, iteration: context.iteration, message: errorMessage(error), artifacts });
    const partial = { usage: { input_tokens: spent.tokens, output_tokens: 0, cost_microusd: spent.cost }, inputHash };
    if (scope.reason) return cancelledResult(node, scope.reason, partial);
    if (error instanceof DeterminismViolation) return nodeResult(node, 'replay_diverged', { ...partial, error: error.message });
    return failedResult(node, errorMessage(error), partial);
  } finally {
    if (running) run.runningLeaves.delete(leaf.id);
    if (heldProvider) providerSlots?.release();
    if (heldGlobal) run.globalLeafSlots.release();
  }
  return judgeLeafResult(node, context, result, inputHash, permissions, attempts);
}

/**
 * A replayed leaf stopped by a recorded cancel spent, in the recording, what its runner reported
 * live before the cancel; the replay has no runner, so it takes that recorded partial spend (the
 * part not yet charged) to end with the same usage and charge the same budgets.
 */
function adoptRecordedSpend(context: NodeContext, recorded: Usage, spent: Spent): void {
  const tokens = Math.max(0, recorded.input_tokens + recorded.output_tokens - spent.tokens);
  const cost = recorded.cost_microusd === null ? null : Math.max(0, recorded.cost_microusd - spent.cost);
  spent.tokens += tokens;
  if (cost !== null) spent.cost += cost;
  if (tokens > 0 || (cost ?? 0) > 0) context.budget.charge({ tokens, costMicrousd: cost, steps: 0 });
}

/** Charges what the final result reports beyond what was spent live (all of it, when served from a trace). */
function chargeRemainder(context: NodeContext, result: EffectResult, spent: Spent): void {
  const tokens = Math.max(0, result.usage.input_tokens + result.usage.output_tokens - spent.tokens);
  const cost = result.usage.cost_microusd === null ? null : Math.max(0, result.usage.cost_microusd - spent.cost);
  const steps = spent.steps > 0 ? 0 : 1;
  spent.tokens += tokens;
  spent.steps += steps;
  if (cost !== null) spent.cost += cost;
  context.budget.charge({ tokens, costMicrousd: cost, steps });
}

/** What a leaf's effect records it was asked (its key is the input hash); optional fields only when set, in this order. */
function leafEffectInput(
  leafId: string,
  role: string,
  resolved: Readonly<Record<string, string | null>>,
  memory: ReadonlyMap<string, LoadedContext> | undefined,
  overlay: OverlayPart | undefined,
  baseDiffs: readonly BaseDiff[],
): Record<string, unknown> {
  const input: Record<string, unknown> = { leaf_id: leafId, role, resolved_inputs: resolved };
  if (memory) input.memory_contexts = memoryVersions(memory);
  if (overlay) input.overlay = overlay.fingerprint;
  if (baseDiffs.length > 0) input.base_diffs = baseDiffs.map(({ leafId: from, diff }) => ({ leaf_id: from, sha256: sha256Hex(diff) }));
  return input;
}

function judgeLeafResult(
  node: NodeOfKind<'leaf'>,
  context: NodeContext,
  result: EffectResult,
  inputHash: string,
  permissions: EffectivePermissions,
  attempts: number,
): NodeResult {
  const leaf: LeafSpec = node.spec;
  const test = testOutcomeOf(leaf, result);
  const score = scoreOf(result.data);
  // Only what differs from the defaults, and no object at all for a plain leaf: it is kept for every leaf of the run.
  let details: Record<string, unknown> | undefined;
  if (permissions.isolation !== 'shared') (details ??= {}).isolation = permissions.isolation;
  if (test) (details ??= {}).test = test;
  if (score !== undefined) (details ??= {}).score = score;
  if (result.artifacts && result.artifacts.length > 0) (details ??= {}).artifacts = result.artifacts;
  if (result.data !== undefined) (details ??= {}).data = result.data;
  if (attempts > 1) (details ??= {}).attempts = attempts;
  const fields: ResultFields = { output: result.output, usage: result.usage, memoUsage: result.memo_usage, inputHash, details };
  const reason = context.scope.reason;
  if (reason) return cancelledResult(node, reason, fields);
  if (result.status === 'failed') return failedResult(node, result.error ?? 'the leaf failed', fields);
  if (test && !test.passed) return failedResult(node, `${test.command ?? 'test'} exited with ${test.exitCode} (expected ${test.expected})`, fields);
  return nodeResult(node, 'succeeded', fields);
}

interface BaseDiff {
  readonly leafId: string;
  readonly diff: string;
}

/**
 * The diffs a worktree leaf starts from. In a loop after its first iteration, its own diff of
 * the previous iteration when it made one (everything since HEAD, so it already holds what that
 * iteration started from): a refinement continues from its last attempt. Otherwise those its
 * `depends_on_results` leaves recorded (a container's, of the leaves it contains), in
 * declaration order, so a test of a writer's change runs on the change.
 */
function startingDiffs(leaf: LeafSpec, dependencies: ReadonlyMap<string, NodeResult> | undefined, previousIteration: ReadonlyMap<string, NodeResult> | undefined): BaseDiff[] {
  const previous = previousIteration?.get(leaf.id);
  const continued = previous ? diffsOf(previous) : [];
  if (continued.length > 0) return continued;
  if (!dependencies) return [];
  return leaf.depends_on_results.flatMap((id) => {
    const result = dependencies.get(id);
    return result ? diffsOf(result) : [];
  });
}

/** The diff artifacts a leaf's result carries (a container's: its leaves', in declaration order). */
function diffsOf(result: NodeResult): BaseDiff[] {
  if (result.children) return result.children.flatMap((child) => diffsOf(child));
  const artifacts = result.details?.artifacts;
  if (!Array.isArray(artifacts)) return [];
  return (artifacts as { kind?: unknown; content?: unknown }[]).flatMap((artifact) =>
    artifact.kind === 'diff' && typeof artifact.content === 'string' && artifact.content.trim() !== '' ? [{ leafId: result.id, diff: artifact.content }] : [],
  );
}

/**
 * The change a worktree leaf starts from is part of its effect's identity (a different change, a
 * different effect); the leaf input hash itself keeps CodeWhale's definition.
 */
function withBaseDiffs(inputHash: string, baseDiffs: readonly BaseDiff[]): string {
  if (baseDiffs.length === 0) return inputHash;
  return sha256Hex(JSON.stringify([inputHash, ...baseDiffs.map(({ leafId, diff }) => [leafId, sha256Hex(diff)])]));
}

/**
 * The versions a leaf's declared contexts were loaded as, waiting for their memory nodes like any
 * other input; a message when one failed or did not run (the leaf then fails without running).
 */
async function resolveMemoryContexts(context: NodeContext, leafId: string, ids: readonly string[]): Promise<ReadonlyMap<string, LoadedContext> | string> {
  const references = await resolveReferences(context, leafId, ids, 'memory.contexts');
  if (references.problems.length > 0) return references.problems.join('; ');
  const versions = new Map<string, LoadedContext>();
  for (const id of ids) {
    const result = references.results.get(id);
    const version = result ? loadedContextOf({ data: { context: result.details?.memory } }) : undefined;
    if (!version) return `memory.contexts names "${id}", which loaded no context`;
    versions.set(id, version);
  }
  return versions;
}

/** What the leaf effect records of its contexts: which version of each it was given. */
function memoryVersions(memory: ReadonlyMap<string, LoadedContext>): Record<string, string> {
  return Object.fromEntries([...memory].map(([id, version]) => [id, version.hash]));
}
