import { leafInputHashOf, leafInputHashPrefix, type LeafSpec, type ModelPolicy, type NodeResult, type WorkflowSpec } from '../../ir/index.js';
import type {
  CancelReason,
  EnginePatch,
  EffectBoundary,
  EngineEnvironment,
  LeafRunner,
  MemoryPort,
  ModelGateway,
  RunEvent,
  RunEventSink,
  RunOverlay,
  OverlayPart,
  LaunchLimits,
} from '../contracts/index.js';
import { LeafJsonTemplate } from './leaf-json-template.js';
import { overlayPartFor } from './overlay-part.js';
import { PreparedResultJson } from './prepared-result-json.js';
import type { BudgetTracker } from '../budget/budget-tracker.js';
import type { InheritedPermissions, PermissionGrant } from '../permissions/index.js';
import { FifoSemaphore } from '../scheduling/fifo-semaphore.js';
import { UnknownNodeError } from '../run-controller.js';
import type { CancelScope } from './cancel-scope.js';
import { RunningLeaves } from './running-leaves.js';
import { WrittenInputHashes } from './written-input-hashes.js';
import type { Entry, ResultRegistry } from './result-registry.js';
import type { SpecIndex } from './spec-index.js';

/** Distributes the keys of an event over the union without TypeScript losing the member. */
type WithoutBase<E> = E extends RunEvent ? Omit<E, 'runId' | 'at'> : never;
export type EventBody = WithoutBase<RunEvent>;

export interface RunSettings {
  readonly spec: WorkflowSpec;
  readonly runId: string;
  readonly sink: RunEventSink;
  readonly boundary: EffectBoundary;
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  readonly environment: EngineEnvironment;
  readonly grant: PermissionGrant;
  /** What expansions are held to (the user's --max-agents/--max-depth). */
  readonly launchLimits: LaunchLimits;
  readonly maxConcurrentLeaves: number;
  readonly perProvider: Readonly<Record<string, number>>;
  readonly leafIdleTimeoutMs: number;
  readonly leafStopGraceMs: number;
  readonly registry: ResultRegistry;
  readonly index: SpecIndex;
  /** The memory store; absent when external memory is not enabled. */
  readonly memory?: MemoryPort;
  /** The behaviour changes this run has (ENGINE_PATCHES unless replaying an older trace). */
  readonly patches: ReadonlySet<EnginePatch>;
  readonly overlay?: RunOverlay;
}

/** What every node of one run shares: the ports, the limits, the results and the event stream. */
export class RunContext {
  /** settings.runId, one load away: every event carries it. */
  readonly runId: string;
  readonly globalLeafSlots: FifoSemaphore;
  readonly runningLeaves = new RunningLeaves();
  /** The results digest's JSON of fan-outs' leaves, written as they settle (see PreparedResultJson). */
  readonly preparedResults = new PreparedResultJson();
  /** The workflow's part of every leaf input hash, written once per run instead of once per leaf. */
  readonly leafHashPrefix: string;
  private readonly providerSlots = new Map<string, FifoSemaphore>();
  private readonly ordinals = new Map<string, number>();
  private readonly recentLeaves: NodeResult[] = [];
  private readonly overlayParts = new Map<string, OverlayPart | undefined>();
  /** Input hashes taken while the spec's text was written (see rememberLeafJson), until their leaf runs. */
  private readonly writtenInputHashes = new WrittenInputHashes();
  private writtenHashesTaken = 0;
  /** Events emitted before run_started is written, in order (see holdUntilStarted); undefined once it is. */
  private held: RunEvent[] | undefined;
  private writeStart: () => void = () => undefined;
  /** Leaves that took their input hash before run_started's text was written: the text need not take it again. */
  private readonly hashedBeforeStart = new Set<LeafSpec>();
  private leafTemplate: LeafJsonTemplate | undefined;
  /** Whether a leaf was written from leafTemplate since it was made (see leafJson). */
  private leafTemplateServed = true;

  constructor(readonly settings: RunSettings) {
    this.runId = settings.runId;
    this.globalLeafSlots = new FifoSemaphore(settings.maxConcurrentLeaves);
    this.leafHashPrefix = leafInputHashPrefix(settings.spec);
  }

  get spec(): WorkflowSpec {
    return this.settings.spec;
  }

  get environment(): EngineEnvironment {
    return this.settings.environment;
  }

  get registry(): ResultRegistry {
    return this.settings.registry;
  }

  get index(): SpecIndex {
    return this.settings.index;
  }

  /**
   * What the overlay gives a leaf (`leafId`) or an engine call in `role` (leafId null): undefined
   * without an overlay or when it gives nothing. One per distinct leaf/role, not per effect.
   */
  overlayPart(leafId: string | null, role: string): OverlayPart | undefined {
    const overlay = this.settings.overlay;
    if (!overlay) return undefined;
    const key = `${leafId ?? ''}\u0000${role}`;
    if (!this.overlayParts.has(key)) this.overlayParts.set(key, overlayPartFor(overlay, leafId, role));
    return this.overlayParts.get(key);
  }

  /**
   * Hears a leaf of the spec with its JSON as run_started's text is written. A leaf that depends
   * on no other node's output has an input hash the spec alone decides: taken now, over that
   * same text, it saves the leaf serializing itself again when it runs (one JSON.stringify per
   * leaf). Kept only until the leaf takes it, and for at most WRITTEN_HASHES_KEPT leaves: each
   * waits in memory until its leaf runs (~100 bytes), and a 100,000-leaf run should not hold
   * 10 MB of them at its start; leaves beyond serialize themselves as before.
   */
  rememberLeafJson(leaf: LeafSpec, json: string): void {
    if (leaf.depends_on_results.length > 0 || this.writtenHashesTaken >= WRITTEN_HASHES_KEPT || this.hashedBeforeStart.has(leaf)) return;
    this.writtenHashesTaken += 1;
    this.writtenInputHashes.add(leaf, leafInputHashOf(this.leafHashPrefix, json, leaf, NO_RESOLVED_INPUTS));
  }

  /** The leaf's input hash (CodeWhale's definition, the same bytes either way) for these resolved inputs. */
  leafInputHash(leaf: LeafSpec, resolved: Readonly<Record<string, string | null>>): string {
    // Taken out: a leaf in a loop body runs again, and the next iteration computes it (the same value) anew.
    const written = this.writtenInputHashes.take(leaf);
    if (written !== undefined) return written;
    if (this.held) this.hashedBeforeStart.add(leaf);
    return leafInputHashOf(this.leafHashPrefix, this.leafJson(leaf), leaf, resolved);
  }

  /**
   * `JSON.stringify(leaf)` for a leaf whose hash was not taken with the spec's text (one that
   * started before it was written, or beyond WRITTEN_HASHES_KEPT), from a template of the last
   * leaf serialized when it is like it (see LeafJsonTemplate). A template that served no leaf is
   * not made again at the very next miss, so leaves that all differ cost little more than
   * serializing each.
   */
  private leafJson(leaf: LeafSpec): string {
    const json = this.leafTemplate?.jsonOf(leaf);
    if (json !== undefined) {
      this.leafTemplateServed = true;
      return json;
    }
    if (!this.leafTemplateServed) {
      this.leafTemplateServed = true;
      return JSON.stringify(leaf);
    }
    this.leafTemplate = LeafJsonTemplate.of(leaf);
    this.leafTemplateServed = false;
    return this.leafTemplate?.json ?? JSON.stringify(leaf);
  }

  /** Records why a node is being stopped, then stops it (and everything below it). */
  cancelNode(scope: CancelScope, nodeId: string | null, reason: CancelReason): void {
    if (scope.reason) return;
    this.emit({ type: 'cancel_requested', nodeId, reason });
    scope.cancel(reason);
  }

  /**
   * A cancel by node id from the caller (RunController): records it, then stops the node's subtree
   * now or as soon as it starts. Unknown ids are the caller's error.
   */
  cancelById(nodeId: string, reason: CancelReason): void {
    if (!this.index.has(nodeId)) throw new UnknownNodeError(nodeId);
    if (this.registry.isCancelRequested(nodeId)) return;
    // Emitted before the scopes abort, so the record shows the request before what it stopped.
    this.emit({ type: 'cancel_requested', nodeId, reason });
    this.registry.cancelOnRequest(nodeId, reason);
  }

  /** The announce callback a BudgetTracker of this node uses. */
  announcer(nodeId: string | null): (reason: CancelReason) => void {
    return (reason) => this.emit({ type: 'cancel_requested', nodeId, reason });
  }

  emit(event: EventBody): void {
    this.emitAt(event, this.settings.environment.now());
  }

  /**
   * Emits an event stamped `at`: a time the caller read for the same step (a node's start, an
   * effect's end), so a leaf's four events cost one clock reading each, not two.
   */
  emitAt(event: EventBody, at: number): void {
    // Completed in place rather than copied: events are built for the sink and never reused.
    const complete = event as { runId?: string; at?: number };
    complete.runId = this.runId;
    complete.at = at;
    this.emitStamped(event as RunEvent);
  }

  /**
   * Emits an event whose literal already holds the run's id and its time: a node's start and end
   * and an effect's request and completion, four per leaf. emitAt's two stores see every kind
   * of event, so each was a generic (megamorphic) store, cold or optimized; in its literal each
   * is a plain field of one shape.
   */
  emitStamped(event: RunEvent): void {
    const held = this.held;
    if (held === undefined) {
      this.settings.sink.emit(event);
      return;
    }
    held.push(event);
    if (held.length >= HELD_EVENTS_MAX) this.writeStart();
  }

  /**
   * From now until `emitStart`, events wait in order behind run_started, so the run's first
   * leaves start (their timers, their calls) before run_started's text is written: the spec's
   * canonical JSON and its hash, ~10 ms at 2,000 leaves, are then written while they wait
   * instead of before they start. The sink sees the same events in the same order. `writeStart`
   * writes run_started at once when the held events reach HELD_EVENTS_MAX (a launch that never
   * waits, such as leaves that all answer at once), so the sink is not kept waiting long.
   */
  holdUntilStarted(writeStart: () => void): void {
    this.held = [];
    this.writeStart = writeStart;
  }

  /** Emits run_started, then every event held behind it, in order; later events go straight to the sink. */
  emitStart(event: EventBody, at: number): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.hashedBeforeStart.clear();
    this.emitAt(event, at);
    for (const waiting of held) this.settings.sink.emit(waiting);
  }

  /** Drops the held events and any later ones: a run whose run_started could not be written records nothing. */
  discardEvents(): void {
    this.held = [];
    this.writeStart = () => this.held?.splice(0);
  }

  /**
   * The next ordinal of an effect scope; scopes ask one effect after another, so this is
   * deterministic. Outside loop bodies a node runs once per run and its scope is the node alone:
   * its counter lives in the node's registry entry, which the run keeps anyway, instead of a map
   * entry added and deleted per leaf (a map that churns rebuilds its table every few leaves).
   * Inside a loop body the counter must survive the node: an inner loop's scope recurs in the
   * outer loop's next iteration, and its ordinals continue.
   */
  nextOrdinal(nodeId: string, iteration: number, entry?: Entry): number {
    if (iteration === 0 && !this.index.isInLoopBody(nodeId)) return entry ? entry.ordinals++ : this.registry.nextOrdinal(nodeId);
    const key = `${nodeId}\u0000${iteration}`;
    const ordinal = this.ordinals.get(key) ?? 0;
    this.ordinals.set(key, ordinal + 1);
    return ordinal;
  }

  /** Remembers the last few finished leaves: the evidence a judge sees for a cond outside loops. */
  recordLeafResult(result: NodeResult): void {
    this.recentLeaves.push(result);
    if (this.recentLeaves.length > RECENT_LEAVES) this.recentLeaves.shift();
  }

  recentLeafResults(): NodeResult[] {
    return [...this.recentLeaves];
  }

  /** The concurrency limit of a provider, when one is configured. */
  providerSlotsFor(provider: string): FifoSemaphore | undefined {
    const limit = this.settings.perProvider[provider];
    if (limit === undefined) return undefined;
    let slots = this.providerSlots.get(provider);
    if (!slots) {
      slots = new FifoSemaphore(limit);
      this.providerSlots.set(provider, slots);
    }
    return slots;
  }
}

/** Where a node runs: inherited from its container. */
export interface NodeContext {
  readonly run: RunContext;
  readonly parentId: string | null;
  /** Iteration of the innermost enclosing loop (0 outside loops). */
  readonly iteration: number;
  /** The node's own cancel scope (a child of its container's). */
  readonly scope: CancelScope;
  /** The nearest budget level (workflow, branch or leaf). */
  readonly budget: BudgetTracker;
  readonly permissions: InheritedPermissions;
  /** The nearest declared model policy, for the provider limit and gateway calls. */
  readonly modelPolicy: ModelPolicy;
  /**
   * Inside a loop after its first iteration: the previous iteration's results by node id, so a
   * worktree leaf continues from its own last change instead of starting over.
   */
  readonly previousIteration?: ReadonlyMap<string, NodeResult>;
  /** Branches (branch_set) enclosing the node: where an expansion's depth starts. */
  readonly branchDepth?: number;
  /** The registry entry of the node `parentId` names (set by runNode): its effects count their ordinals there, without a lookup by id. */
  readonly entry?: Entry;
}

const RECENT_LEAVES = 10;

/** At most this many events wait behind an unwritten run_started (~250 leaves' starts and ends). */
const HELD_EVENTS_MAX = 1024;

/** At most this many input hashes are taken ahead, as run_started's text is written (~1.6 MB). */
const WRITTEN_HASHES_KEPT = 16_384;

const NO_RESOLVED_INPUTS: Readonly<Record<string, string | null>> = Object.freeze({});

export const DEFAULT_PROVIDER = 'default';

export function providerOf(policy: ModelPolicy): string {
  return policy.provider ?? DEFAULT_PROVIDER;
}

/** The nearer policy wins field by field: a node naming only a model keeps its container's provider. */
export function mergeModelPolicy(outer: ModelPolicy, inner: ModelPolicy): ModelPolicy {
  if (inner.provider === null && inner.model === null && inner.fallback_models.length === 0) return outer;
  return {
    provider: inner.provider ?? outer.provider,
    model: inner.model ?? outer.model,
    fallback_models: inner.fallback_models.length > 0 ? inner.fallback_models : outer.fallback_models,
  };
}
