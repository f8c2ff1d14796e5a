import type { LeafSpec, NodeOfKind, NodeResult } from '../../ir/index.js';
import { BudgetTracker } from '../budget/budget-tracker.js';
import { hasBudget } from '../budget/has-budget.js';
import type { LoadedContext, MaybePromise } from '../contracts/index.js';
import { planLeafPermissions } from '../permissions/index.js';
import type { NodeContext } from '../run/run-context.js';
import { runAdmittedLeaf, type BaseDiff, type LeafInputs } from './admitted-leaf.js';
import { loadedContextOf } from './run-memory.js';
import { cancelledResult, failedResult } from './node-result.js';
import { referencedOutput } from './referenced-outputs.js';
import { resolveReferences } from './resolve-references.js';

const NO_INPUTS: Readonly<Record<string, string | null>> = Object.freeze({});

/**
 * A leaf: wait for the outputs it depends on, take a global slot and a provider slot, run it
 * through the effect boundary keyed by its input hash, charge its usage to every budget level
 * above it, and judge the outcome (a test leaf passes only with the expected exit code).
 * A leaf that waits for nothing and has no budget of its own goes straight to runAdmittedLeaf:
 * no async frame before it, and none at all when its effect answers at once (see admitted-leaf).
 */
export function runLeaf(node: NodeOfKind<'leaf'>, context: NodeContext): MaybePromise<NodeResult> {
  const leaf = node.spec;
  if (context.scope.reason) return cancelledResult(node, context.scope.reason);
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
): MaybePromise<NodeResult> {
  const leaf = node.spec;
  const plan = planLeafPermissions(leaf, context.permissions, context.run.settings.grant);
  if (plan.refusals.length > 0) return failedResult(node, `permission refused: ${plan.refusals.map((refusal) => refusal.message).join('; ')}`);
  const permissions = plan.permissions;
  // Diffs depend on the leaf's inputs only, not on the budget level it runs under.
  const baseDiffs = permissions.isolation === 'worktree' && context.run.settings.patches.has('worktree-base-diffs') ? startingDiffs(leaf, dependencies, context.previousIteration) : NO_BASE_DIFFS;
  const inputs: LeafInputs = { resolved, permissions, memory, baseDiffs };
  if (hasBudget(leaf.budget)) return withOwnBudget(node, context, inputs);
  if (!context.budget.reserveLeaf()) return cancelledResult(node, context.scope.reason ?? { type: 'shutdown' });
  return runAdmittedLeaf(node, context, inputs);
}

const NO_BASE_DIFFS: readonly BaseDiff[] = Object.freeze([]);

/** A leaf with a budget of its own: its level, closed when the leaf ends. */
async function withOwnBudget(node: NodeOfKind<'leaf'>, context: NodeContext, inputs: LeafInputs): Promise<NodeResult> {
  const leaf = node.spec;
  const budget = new BudgetTracker(leaf.id, leaf.budget, context.budget, context.scope, context.run.environment, context.run.announcer(leaf.id));
  try {
    if (!budget.reserveLeaf()) return cancelledResult(node, context.scope.reason ?? { type: 'shutdown' });
    return await runAdmittedLeaf(node, { ...context, budget }, inputs);
  } finally {
    budget.close();
  }
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
