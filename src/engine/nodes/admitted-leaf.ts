import { type LeafSpec, type NodeOfKind, type NodeResult, type Usage } from '../../ir/index.js';
import { sha256Hex } from '../../util/index.js';
import {
  DeterminismViolation,
  InterruptedEffect,
  isPending,
  stoppedLeafArtifacts,
  type EffectOutcome,
  type EffectRequest,
  type EffectResult,
  type EffectivePermissions,
  type LeafRunInput,
  type LoadedContext,
  type MaybePromise,
  type OverlayPart,
} from '../contracts/index.js';
import { performEffect, settleAfterCancel } from '../effects/perform-effect.js';
import { leafEffectKey } from '../run/overlay-part.js';
import { mergeModelPolicy, providerOf, type NodeContext } from '../run/run-context.js';
import type { RunningLeaf } from '../run/running-leaves.js';
import type { FifoSemaphore } from '../scheduling/fifo-semaphore.js';
import { leafRole } from './leaf-role.js';
import { LeafMemoryAccess } from './leaf-memory-access.js';
import { scoreOf, testOutcomeOf } from './leaf-outcome.js';
import { LeafRunReporter, type Spent } from './leaf-run-reporter.js';
import { cancelledResult, errorMessage, failedResult, nodeResult, type ResultFields } from './node-result.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Attempts after a failure the runner marked retryable (a provider 429/5xx), each its own effect. */
const MAX_RETRIES = 2;

/** A diff a worktree leaf starts from, and the leaf that made it. */
export interface BaseDiff {
  readonly leafId: string;
  readonly diff: string;
}

/** What an admitted leaf runs with, besides its node and context. */
export interface LeafInputs {
  readonly resolved: Readonly<Record<string, string | null>>;
  readonly permissions: EffectivePermissions;
  readonly memory: ReadonlyMap<string, LoadedContext> | undefined;
  readonly baseDiffs: readonly BaseDiff[];
}

/**
 * A leaf past its checks: wait for the global and provider slots (leaving the queue if
 * cancelled), run it through the boundary keyed by its input hash, retry a retryable failure,
 * release the slots however it ends, and judge the outcome.
 *
 * Synchronous as long as nothing has to be waited for: a free slot and an effect that answers
 * at once (a mock without latency, an effect served from a trace) finish the leaf in the same
 * turn, with no promise per leaf. The first real wait moves the rest into one async frame,
 * which runs the same steps. The effect still goes through the one boundary, with its events
 * in the same order; only the microtask hops between them are gone.
 */
export function runAdmittedLeaf(node: NodeOfKind<'leaf'>, context: NodeContext, inputs: LeafInputs): MaybePromise<NodeResult> {
  return new AdmittedLeaf(node, context, inputs).run();
}

class AdmittedLeaf {
  // Declared, not initialized in the class body: a field initializer defines each field (as
  // undefined) before the constructor assigns it, and a leaf's object is made once per leaf in
  // code that runs cold. The constructor assigns every field, in one order, so all share a shape.
  declare private readonly node: NodeOfKind<'leaf'>;
  declare private readonly context: NodeContext;
  declare private readonly inputs: LeafInputs;
  declare private readonly leaf: LeafSpec;
  declare private readonly inputHash: string;
  declare private readonly role: string;
  declare private readonly overlay: OverlayPart | undefined;
  declare private readonly effectKey: string;
  declare private readonly providerSlots: FifoSemaphore | undefined;
  declare private heldGlobal: boolean;
  declare private heldProvider: boolean;
  declare private readonly spent: Spent;
  declare private running: RunningLeaf | undefined;
  declare private result: EffectResult | undefined;
  declare private attempts: number;

  constructor(node: NodeOfKind<'leaf'>, context: NodeContext, inputs: LeafInputs) {
    const { run } = context;
    const leaf = node.spec;
    this.node = node;
    this.context = context;
    this.inputs = inputs;
    this.leaf = leaf;
    this.inputHash = run.leafInputHash(leaf, inputs.resolved);
    this.role = leafRole(leaf);
    this.overlay = run.overlayPart(leaf.id, this.role);
    this.effectKey = leafEffectKey(withBaseDiffs(this.inputHash, inputs.baseDiffs), this.overlay);
    this.providerSlots = run.providerSlotsFor(providerOf(mergeModelPolicy(context.modelPolicy, leaf.model_policy)));
    this.heldGlobal = false;
    this.heldProvider = false;
    this.spent = { tokens: 0, cost: 0, steps: 0 };
    this.running = undefined;
    this.result = undefined;
    this.attempts = 0;
  }

  run(): MaybePromise<NodeResult> {
    let waiting: Promise<void> | undefined;
    try {
      waiting = this.takeSlots();
    } catch (error) {
      return this.end(error);
    }
    return waiting ? this.continueAfter(waiting) : this.proceed(undefined);
  }

  /**
   * Attempts until an outcome is final, from the outcome of the last one (none yet: nothing but
   * the slots came before). Each wait is one continuation on what is waited for, not an async
   * frame: a leaf on a timer made a dozen promises, most of them for awaits with nothing to do.
   */
  private proceed(outcome: EffectOutcome | undefined): MaybePromise<NodeResult> {
    try {
      for (;;) {
        if (outcome && !this.tryAgainAfter(outcome)) break;
        const next = this.attempt();
        if (isPending(next)) return this.continueAfter(next);
        outcome = next;
      }
    } catch (error) {
      return this.end(error);
    }
    return this.end(undefined);
  }

  /** The same steps as `run`, once what had to be waited for is there: the slots, or an attempt's outcome. */
  private continueAfter(pending: Promise<void> | Promise<EffectOutcome>): Promise<NodeResult> {
    return pending.then(
      (outcome: EffectOutcome | void) => this.proceed(outcome ?? undefined),
      (error: unknown) => this.end(error),
    );
  }

  /** Takes the global slot, then the provider's; a promise only when one of them must be waited for. */
  private takeSlots(): Promise<void> | undefined {
    const globalWait = this.context.run.globalLeafSlots.acquire(this.context.scope);
    if (!globalWait) {
      this.heldGlobal = true;
      return this.takeProviderSlot();
    }
    return globalWait.then(() => {
      this.heldGlobal = true;
      return this.takeProviderSlot();
    });
  }

  private takeProviderSlot(): Promise<void> | undefined {
    const providerWait = this.providerSlots?.acquire(this.context.scope);
    if (!providerWait) {
      this.heldProvider = this.providerSlots !== undefined;
      this.startRunning();
      return undefined;
    }
    return providerWait.then(() => {
      this.heldProvider = true;
      this.startRunning();
    });
  }

  /** Registers the leaf for the no-progress watchdog and progress displays. */
  private startRunning(): void {
    const { run, scope } = this.context;
    const now = run.environment.now();
    this.running = { nodeId: this.leaf.id, startedAt: now, lastActivityAt: now, modelCalls: 0, scope, slot: 0 };
    run.runningLeaves.add(this.running);
  }

  private attempt(): MaybePromise<EffectOutcome> {
    this.attempts += 1;
    const { resolved, memory, baseDiffs } = this.inputs;
    const input = leafEffectInput(this.leaf.id, this.role, resolved, memory, this.overlay, baseDiffs);
    return performEffect(this.context, { kind: 'leaf', key: this.effectKey, nodeId: this.leaf.id, input }, (request) => this.live(request));
  }

  /** Charges what the attempt's result reports; whether a retryable failure gets another attempt. */
  private tryAgainAfter(outcome: EffectOutcome): boolean {
    const result = outcome.result;
    this.result = result;
    chargeRemainder(this.context, result, this.spent);
    return result.status === 'failed' && result.retryable === true && this.attempts <= MAX_RETRIES && !this.context.scope.reason;
  }

  /** Runs the leaf for real: what the boundary calls when the effect is not served from a trace. */
  private live(request: EffectRequest): MaybePromise<EffectResult> {
    const { run, scope, iteration, budget } = this.context;
    const effect = { iteration, ordinal: request.ordinal };
    // Optional fields assigned, not spread: an empty literal per absent field, per leaf, was garbage.
    const input: Mutable<LeafRunInput> = {
      workflow: run.spec,
      leaf: this.leaf,
      resolvedInputs: this.inputs.resolved,
      inputHash: this.inputHash,
      role: this.role,
      permissions: this.inputs.permissions,
      budget: budget.remaining(),
      runId: run.settings.runId,
      effect,
    };
    if (this.overlay) input.overlay = this.overlay;
    if (this.inputs.baseDiffs.length > 0) input.baseDiffs = this.inputs.baseDiffs;
    const reporter = new LeafRunReporter(this.context, this.running!, this.spent);
    // Operations are nested in this attempt's effect: a retry is a new effect with its own.
    if (this.inputs.memory) reporter.memory = new LeafMemoryAccess(this.context, this.leaf, this.inputs.memory, run.settings.memory, request, reporter);
    const answer = run.settings.leafRunner.run(input, reporter);
    const graceMs = run.settings.leafStopGraceMs;
    if (isPending(answer)) return settleAfterCancel(answer, scope, graceMs, run.environment);
    // As settleAfterCancel would: without a grace period a cancelled leaf's answer is not taken.
    if (scope.reason && graceMs <= 0) throw scope.reason;
    return answer;
  }

  /** Releases what the leaf held and gives its result: judged, or what the error means. */
  private end(error: unknown): NodeResult {
    const result = error === undefined ? undefined : this.resultOfError(error);
    const { run } = this.context;
    if (this.running) run.runningLeaves.remove(this.running);
    if (this.heldProvider) this.providerSlots?.release();
    if (this.heldGlobal) run.globalLeafSlots.release();
    return result ?? judgeLeafResult(this.node, this.context, this.result!, this.inputHash, this.inputs.permissions, this.attempts);
  }

  private resultOfError(error: unknown): NodeResult {
    const { run, scope } = this.context;
    if (error instanceof InterruptedEffect && error.spentUsage) adoptRecordedSpend(this.context, error.spentUsage, this.spent);
    const artifacts = stoppedLeafArtifacts(error);
    if (artifacts) run.emit({ type: 'leaf_stopped', nodeId: this.leaf.id, iteration: this.context.iteration, message: errorMessage(error), artifacts });
    const partial = { usage: { input_tokens: this.spent.tokens, output_tokens: 0, cost_microusd: this.spent.cost }, inputHash: this.inputHash };
    if (scope.reason) return cancelledResult(this.node, scope.reason, partial);
    if (error instanceof DeterminismViolation) return nodeResult(this.node, 'replay_diverged', { ...partial, error: error.message });
    return failedResult(this.node, errorMessage(error), partial);
  }
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

/**
 * The change a worktree leaf starts from is part of its effect's identity (a different change, a
 * different effect); the leaf input hash itself keeps CodeWhale's definition.
 */
function withBaseDiffs(inputHash: string, baseDiffs: readonly BaseDiff[]): string {
  if (baseDiffs.length === 0) return inputHash;
  return sha256Hex(JSON.stringify([inputHash, ...baseDiffs.map(({ leafId, diff }) => [leafId, sha256Hex(diff)])]));
}

/** What the leaf effect records of its contexts: which version of each it was given. */
function memoryVersions(memory: ReadonlyMap<string, LoadedContext>): Record<string, string> {
  return Object.fromEntries([...memory].map(([id, version]) => [id, version.hash]));
}
