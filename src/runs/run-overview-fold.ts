import type { MemoUsage, NodeKind, Usage } from '../ir/index.js';
import type { RunEvent, RunEventOf } from '../engine/contracts/index.js';
import type { ReadableEvents, StoredEvent } from '../trace/index.js';
import { assertNever } from '../util/index.js';
import { isRunInterrupted, type LivenessOptions } from './run-liveness.js';
import { shortRunId, type NodeOverview, type RunBudget, type RunDisplayStatus, type RunOverview, type SlowestLeaf } from './run-overview.js';
import { specSkeleton } from './spec-skeleton.js';
import { formatTokenCount } from './format-overview.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
/**
 * `executionsStarted`/`executionsFinished` count a node's runs: a leaf in a loop body runs once
 * per iteration, and the leaf counts (done/total) count executions, not node ids.
 */
type MutableNode = Mutable<Omit<NodeOverview, 'childIds'>> & { childIds: string[]; executionsStarted: number; executionsFinished: number };

const NO_BUDGET: RunBudget = { maxTokens: null, maxCostMicrousd: null, timeoutSecs: null };

/** The leaf counts the views show: done/total executions, leaves running now, failed leaves. */
export interface LeafCounts {
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failures: number;
}

/**
 * Folds one run's events into the overview ps, the TUI and the progress block show. It is
 * incremental: feed it the events after `nextSeq` as they arrive (events(runId, nextSeq)) and
 * it never re-reads the log, so a 1,000-leaf run costs per event, not per redraw.
 * Pure apart from what it is fed: the clock and the pid check come in through `overview()`.
 */
export class RunOverviewFold {
  /** The next sequence number to read; events below it were already applied. */
  nextSeq = 0;
  /** Bumps on every applied event, so views can tell whether anything changed. */
  version = 0;
  private started: RunEventOf<'run_started'> | undefined;
  private finished: RunEventOf<'run_finished'> | undefined;
  private readonly nodes = new Map<string, MutableNode>();
  private readonly rootIds: string[] = [];
  private budget: RunBudget = NO_BUDGET;
  private pid: number | null = null;
  private lastHeartbeatAt: number | null = null;
  private lastEventAt = 0;
  private liveInputTokens = 0;
  private liveOutputTokens = 0;
  private liveCost: number | null = 0;
  private liveMemoHits = 0;
  /**
   * Leaf counts kept as events arrive (each leaf's share is taken out before it changes and
   * put back after), so reading them costs nothing: plain progress reads them once per
   * finished leaf, and recounting every node there made a 100,000-leaf run quadratic.
   */
  private counts = { total: 0, done: 0, running: 0, failures: 0 };
  private readonly runningLeafIds = new Set<string>();
  private damage: string | null = null;

  constructor(readonly runId: string) {}

  /**
   * Applies what could be read of the log; a damaged row marks the run `damaged` (with the
   * first reason) instead of hiding it, and the events around it still count.
   */
  applyReadable(readable: ReadableEvents): void {
    const first = readable.damaged[0];
    if (first && this.damage === null) {
      this.damage = `event ${first.seq} cannot be read (${first.reason})`;
      this.version += 1;
    }
    this.applyStored(readable.events);
    // The damaged rows were read too: do not read them again on the next poll.
    const lastDamaged = readable.damaged[readable.damaged.length - 1];
    if (lastDamaged && lastDamaged.seq >= this.nextSeq) this.nextSeq = lastDamaged.seq + 1;
  }

  /** Applies stored events in order; ones already applied (seq < nextSeq) are skipped. */
  applyStored(events: readonly StoredEvent[]): void {
    for (const stored of events) {
      if (stored.seq < this.nextSeq) continue;
      this.apply(stored.event);
      this.nextSeq = stored.seq + 1;
    }
  }

  apply(event: RunEvent): void {
    this.version += 1;
    if (event.at > this.lastEventAt) this.lastEventAt = event.at;
    switch (event.type) {
      case 'run_started':
        this.onRunStarted(event);
        return;
      case 'node_started': {
        const node = this.nodeFor(event.nodeId, event.parentId, event.kind);
        this.uncount(node);
        node.kind = event.kind;
        node.status = 'running';
        node.iteration = event.iteration;
        node.startedAt = event.at;
        node.finishedAt = null;
        node.role = event.role ?? node.role;
        node.executionsStarted += 1;
        this.count(node);
        return;
      }
      case 'node_finished': {
        const node = this.nodeFor(event.nodeId, undefined, event.kind);
        this.uncount(node);
        node.status = event.status;
        node.finishedAt = event.at;
        node.usage = event.usage;
        node.memoHits = event.memoUsage.armh_hits;
        node.output = event.output;
        node.error = event.error ?? null;
        node.memory = memoryFactOf(event.details?.data) ?? node.memory;
        node.executionsFinished += 1;
        this.count(node);
        return;
      }
      case 'effect_completed':
        this.onEffectCompleted(event);
        return;
      case 'activity': {
        const node = this.nodeFor(event.nodeId, undefined, undefined);
        node.lastActivity = event.message;
        node.lastActivityAt = event.at;
        node.activityCount += 1;
        return;
      }
      case 'leaf_placed':
        this.nodeFor(event.nodeId, undefined, 'leaf').worker = `${event.worker.host}:${event.worker.pid}`;
        return;
      case 'heartbeat':
        this.pid = event.pid;
        this.lastHeartbeatAt = event.at;
        return;
      case 'run_finished':
        this.finished = event;
        return;
      case 'effect_requested':
      case 'decision':
      case 'leaf_stopped':
      case 'cancel_requested':
        return;
      default:
        assertNever(event);
    }
  }

  private onRunStarted(event: RunEventOf<'run_started'>): void {
    this.started = event;
    const skeleton = specSkeleton(event.spec);
    this.budget = skeleton.budget;
    for (const node of skeleton.nodes) {
      const overview = this.nodeFor(node.nodeId, node.parentId, node.kind);
      overview.prompt = node.prompt;
      overview.role = node.role;
    }
  }

  private onEffectCompleted(event: RunEventOf<'effect_completed'>): void {
    const { usage, memo_usage: memo } = event.result;
    this.addLiveUsage(usage, memo);
    if (event.kind !== 'leaf') return;
    const model = modelOf(event.result.data);
    if (model !== null) this.nodeFor(event.scope.nodeId, undefined, 'leaf').model = model;
  }

  private addLiveUsage(usage: Usage, memo: MemoUsage): void {
    this.liveInputTokens += usage.input_tokens;
    this.liveOutputTokens += usage.output_tokens;
    this.liveCost = this.liveCost === null || usage.cost_microusd === null ? null : this.liveCost + usage.cost_microusd;
    this.liveMemoHits += memo.armh_hits;
  }

  private nodeFor(nodeId: string, parentId: string | null | undefined, kind: NodeKind | undefined): MutableNode {
    let node = this.nodes.get(nodeId);
    if (!node) {
      node = {
        nodeId,
        kind: kind ?? 'unknown',
        parentId: parentId ?? null,
        childIds: [],
        role: null,
        status: 'pending',
        iteration: 0,
        startedAt: null,
        finishedAt: null,
        usage: null,
        memoHits: 0,
        lastActivity: null,
        lastActivityAt: null,
        activityCount: 0,
        error: null,
        output: null,
        prompt: null,
        model: null,
        worker: null,
        memory: null,
        executionsStarted: 0,
        executionsFinished: 0,
      };
      this.nodes.set(nodeId, node);
      this.count(node);
      const parent = node.parentId === null ? undefined : this.nodes.get(node.parentId);
      if (parent) parent.childIds.push(nodeId);
      else this.rootIds.push(nodeId);
    }
    return node;
  }

  get hasStarted(): boolean {
    return this.started !== undefined;
  }

  /** When run_started was recorded (null before it is seen). */
  get startedAt(): number | null {
    return this.started?.at ?? null;
  }

  get isFinished(): boolean {
    return this.finished !== undefined;
  }

  node(nodeId: string): NodeOverview | undefined {
    return this.nodes.get(nodeId);
  }

  /** Top-level node ids in declaration (then discovery) order. */
  roots(): readonly string[] {
    return this.rootIds;
  }

  leaves(): NodeOverview[] {
    return [...this.nodes.values()].filter((node) => node.kind === 'leaf');
  }

  /** The leaves running now, in the order they started; costs the number running, not the run's size. */
  runningLeaves(): NodeOverview[] {
    return [...this.runningLeafIds].map((nodeId) => this.nodes.get(nodeId)!);
  }

  /** Done/total leaf executions, running and failed leaves: kept up to date per event, O(1) to read. */
  leafCounts(): LeafCounts {
    return { ...this.counts };
  }

  /** The run as the views show it at `now`; liveness decides running vs interrupted. */
  overview(liveness: LivenessOptions): RunOverview {
    const started = this.started;
    const now = liveness.now;
    const finished = this.finished;
    const interrupted = isRunInterrupted(
      { finished: finished !== undefined, pid: this.pid, lastHeartbeatAt: this.lastHeartbeatAt, lastEventAt: this.lastEventAt },
      liveness,
    );
    const status: RunDisplayStatus = this.damage !== null ? 'damaged' : finished ? finished.status : interrupted ? 'interrupted' : 'running';
    const counts = this.counts;
    const usage = finished?.usage;
    const input = usage?.input_tokens ?? this.liveInputTokens;
    const output = usage?.output_tokens ?? this.liveOutputTokens;
    const startedAt = started?.at ?? this.lastEventAt;
    // An interrupted run stopped at its last sign of life, not now.
    const endedAt = finished?.at ?? (interrupted ? Math.max(this.lastEventAt, this.lastHeartbeatAt ?? 0) : now);
    return {
      runId: this.runId,
      shortId: shortRunId(this.runId),
      label: started?.label ?? this.runId,
      mode: started?.mode ?? 'live',
      parentRunId: started?.parentRunId ?? null,
      sourceFile: started?.sourceFile ?? null,
      status,
      startedAt,
      finishedAt: finished?.at ?? null,
      elapsedMs: Math.max(0, endedAt - startedAt),
      leavesDone: counts.done,
      leavesTotal: counts.total,
      leavesRunning: counts.running,
      failures: counts.failures,
      tokens: { input, output, total: input + output },
      costMicrousd: usage ? usage.cost_microusd : this.liveCost,
      memoHits: finished?.memoUsage.armh_hits ?? this.liveMemoHits,
      slowest: this.slowestLeaf(status === 'running' ? now : null, endedAt),
      pid: this.pid,
      lastHeartbeatAt: this.lastHeartbeatAt,
      lastEventAt: this.lastEventAt,
      budget: this.budget,
      suggestedAction: suggestedAction(status, this.runId, started?.mode === 'replay' ? (started.parentRunId ?? null) : null),
      parityIdentical: finished?.parity?.identical ?? null,
      damage: this.damage,
      resumedAs: null,
    };
  }

  /**
   * Adds a node's share of the leaf counts. Leaf executions, not leaf ids: a leaf not run yet
   * counts once (pending), and every iteration a loop starts adds one execution of each body
   * leaf as it starts, so the total grows with the loop and `done` never passes it. A leaf
   * settled without starting (a cond arm not taken, cancelled while queued) counts as one
   * finished execution.
   */
  private count(node: MutableNode, sign: 1 | -1 = 1): void {
    if (node.kind !== 'leaf') return;
    this.counts.total += sign * Math.max(1, node.executionsStarted, node.executionsFinished);
    this.counts.done += sign * node.executionsFinished;
    if (node.status === 'running') {
      this.counts.running += sign;
      if (sign === 1) this.runningLeafIds.add(node.nodeId);
      else this.runningLeafIds.delete(node.nodeId);
    }
    if (node.status === 'failed' || node.status === 'replay_diverged') this.counts.failures += sign;
  }

  /** Takes a node's share out of the counts before it changes. */
  private uncount(node: MutableNode): void {
    this.count(node, -1);
  }

  /**
   * While the run is live (`now` given): the longest currently running leaf. Otherwise the
   * longest leaf overall.
   */
  private slowestLeaf(now: number | null, endedAt: number): SlowestLeaf | null {
    let slowest: SlowestLeaf | null = null;
    for (const node of this.nodes.values()) {
      if (node.kind !== 'leaf' || node.startedAt === null) continue;
      const running = node.status === 'running';
      if (now !== null && !running) continue;
      // A leaf left running by an interrupted run ran until the run's last sign of life.
      const end = running ? (now ?? endedAt) : (node.finishedAt ?? node.startedAt);
      const elapsedMs = end - node.startedAt;
      if (!slowest || elapsedMs > slowest.elapsedMs) slowest = { nodeId: node.nodeId, elapsedMs, running, ...(node.worker ? { worker: node.worker } : {}) };
    }
    if (slowest === null && now !== null) return this.slowestLeaf(null, endedAt);
    return slowest;
  }
}

/** What to do next about a run; `replayOf` is the run a replay checked (a replay is replayed again, never resumed). */
function suggestedAction(status: RunDisplayStatus, runId: string, replayOf: string | null): string | null {
  const id = shortRunId(runId);
  switch (status) {
    case 'interrupted':
      return replayOf !== null ? `whaleflow replay ${shortRunId(replayOf)}` : `whaleflow resume ${id}`;
    case 'failed':
    case 'budget_exceeded':
    case 'cancelled':
    case 'damaged':
      return `whaleflow inspect ${id}`;
    case 'replay_diverged':
      return `whaleflow report ${id}`;
    case 'running':
      return `whaleflow cancel ${id}`;
    case 'pending':
    case 'succeeded':
      return null;
    default:
      return assertNever(status);
  }
}

function modelOf(data: unknown): string | null {
  if (!data || typeof data !== 'object') return null;
  const model = (data as { model?: unknown }).model;
  return typeof model === 'string' ? model : null;
}

/** One line of a leaf's recorded memory use (docs/memory.md: `details.data.memory`); null when it has none. */
export function memoryFactOf(data: unknown): string | null {
  const memory = (data as { memory?: { contexts?: Record<string, unknown>; operations?: number; bytes_returned?: number; tokens_avoided_estimate?: number } } | undefined)?.memory;
  if (!memory || typeof memory !== 'object') return null;
  const contexts = Object.keys(memory.contexts ?? {}).join(', ');
  const bytes = memory.bytes_returned ?? 0;
  const shown = bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
  return `memory ${contexts}: ${memory.operations ?? 0} ops, ${shown} returned, ~${formatTokenCount(memory.tokens_avoided_estimate ?? 0)} tok avoided (est.)`;
}
