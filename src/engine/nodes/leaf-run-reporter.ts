import type { LeafMemory, LeafPlacement, LeafRunContext } from '../contracts/index.js';
import type { NodeContext } from '../run/run-context.js';
import type { RunningLeaf } from '../run/running-leaves.js';

/** What a leaf has spent so far, live (through `spend`) and from its results. */
export interface Spent {
  tokens: number;
  cost: number;
  steps: number;
}

/**
 * The LeafRunContext a runner reports through: `activity` is the heartbeat, `spend` charges
 * budgets as usage accrues, `signal` is the leaf scope's AbortSignal, made on first read.
 * A class with prototype methods, not an object literal of closures and a getter: one such
 * literal per leaf was, after the per-leaf AbortController, the largest source of old-generation
 * garbage in a 100,000-leaf run (about 60 MB of its peak RSS).
 */
export class LeafRunReporter implements LeafRunContext {
  /** Set only for a leaf that declares memory contexts (see LeafMemoryAccess). */
  declare memory?: LeafMemory;
  // Declared and assigned in the constructor, not as parameter properties, which define each
  // field before assigning it: one reporter is made per leaf attempt.
  declare private readonly context: NodeContext;
  declare private readonly running: RunningLeaf;
  declare private readonly spent: Spent;

  constructor(context: NodeContext, running: RunningLeaf, spent: Spent) {
    this.memory = undefined;
    this.context = context;
    this.running = running;
    this.spent = spent;
  }

  get signal(): AbortSignal {
    return this.context.scope.signal;
  }

  activity(message: string): void {
    const { run } = this.context;
    this.running.lastActivityAt = run.environment.now();
    run.emit({ type: 'activity', nodeId: this.running.nodeId, message });
  }

  spend(usage: { inputTokens: number; outputTokens: number; costMicrousd: number | null; steps?: number }): void {
    this.running.lastActivityAt = this.context.run.environment.now();
    const tokens = usage.inputTokens + usage.outputTokens;
    const steps = usage.steps ?? 0;
    this.spent.tokens += tokens;
    this.spent.steps += steps;
    if (usage.costMicrousd !== null) this.spent.cost += usage.costMicrousd;
    this.context.budget.charge({ tokens, costMicrousd: usage.costMicrousd, steps });
  }

  async awaitModel<T>(call: Promise<T>): Promise<T> {
    this.running.modelCalls += 1;
    try {
      return await call;
    } finally {
      this.running.modelCalls -= 1;
      this.running.lastActivityAt = this.context.run.environment.now();
    }
  }

  sleep(ms: number): Promise<void> {
    return this.context.run.environment.sleep(ms, this.context.scope);
  }

  onCancel(callback: (reason: unknown) => void): () => void {
    return this.context.scope.onCancel(callback);
  }

  placed(worker: LeafPlacement): void {
    const { run } = this.context;
    this.running.lastActivityAt = run.environment.now();
    run.emit({ type: 'leaf_placed', nodeId: this.running.nodeId, iteration: this.context.iteration, worker });
  }
}
