import type { BudgetSpec } from '../../ir/index.js';
import type { BudgetName, CancelReason, EngineEnvironment, RemainingBudget } from '../contracts/index.js';
import type { CancelScope } from '../run/cancel-scope.js';

/** Usage as it is charged against budgets. */
export interface Charge {
  readonly tokens: number;
  /** Null when the price is unknown: it cannot be charged, and is never counted as 0. */
  readonly costMicrousd: number | null;
  readonly steps: number;
}

/**
 * The budget of one level (workflow, branch, leaf). Usage is charged at the leaf and climbs to
 * every ancestor, so each level compares its own limit with everything spent below it — which
 * is the same as inheriting min(parent remainder, own). Crossing a limit cancels exactly that
 * level's scope, with a typed budget_exceeded reason.
 */
export class BudgetTracker {
  tokens = 0;
  costMicrousd = 0;
  steps = 0;
  leaves = 0;
  readonly deadline: number | undefined;
  /**
   * Stops the wall-time timer; made only for a level with its own timeout. Every run and branch
   * has a level, and one aborted at the end of each cost a fresh process Node's EventTarget
   * dispatch, compiled on the run's tail after its last leaf.
   */
  private readonly timer: AbortController | undefined;

  constructor(
    readonly nodeId: string,
    private readonly budget: BudgetSpec | undefined,
    readonly parent: BudgetTracker | undefined,
    private readonly scope: CancelScope,
    environment: EngineEnvironment,
    /** Told before the scope is cancelled, so the run can record a cancel_requested event. */
    private readonly announce: (reason: CancelReason) => void = () => undefined,
  ) {
    const ownDeadline = budget?.timeout_secs != null ? environment.now() + budget.timeout_secs * 1000 : undefined;
    this.deadline = minDefined(ownDeadline, parent?.deadline);
    if (ownDeadline !== undefined && budget?.timeout_secs != null) {
      const limit = budget.timeout_secs;
      this.timer = new AbortController();
      environment.sleep(ownDeadline - environment.now(), this.timer.signal).then(
        () => this.exceed('timeout_secs', limit, limit),
        () => undefined,
      );
    }
  }

  /** Charges usage here and at every ancestor; cancels each level whose limit is crossed. */
  charge(charge: Charge): void {
    for (let level: BudgetTracker | undefined = this; level; level = level.parent) {
      level.tokens += charge.tokens;
      level.steps += charge.steps;
      if (charge.costMicrousd !== null) level.costMicrousd += charge.costMicrousd;
      level.checkUsage();
    }
  }

  /**
   * Counts one more leaf at every level. Returns false (and cancels the crossed level) when a
   * max_leaves limit would be passed; the leaf must then not start.
   */
  reserveLeaf(): boolean {
    let allowed = true;
    for (let level: BudgetTracker | undefined = this; level; level = level.parent) {
      level.leaves += 1;
      const limit = level.budget?.max_leaves;
      if (limit !== undefined && level.leaves > limit) {
        level.exceed('max_leaves', limit, level.leaves);
        allowed = false;
      }
    }
    return allowed;
  }

  /** What a leaf may still spend: the minimum over its chain of limit minus usage. */
  remaining(): RemainingBudget {
    let tokens: number | undefined;
    let costMicrousd: number | undefined;
    let steps: number | undefined;
    for (let level: BudgetTracker | undefined = this; level; level = level.parent) {
      const budget = level.budget;
      if (!budget) continue;
      if (budget.max_tokens != null) tokens = minDefined(tokens, Math.max(0, budget.max_tokens - level.tokens));
      if (budget.max_cost_microusd !== undefined) costMicrousd = minDefined(costMicrousd, Math.max(0, budget.max_cost_microusd - level.costMicrousd));
      if (budget.max_steps != null) steps = minDefined(steps, Math.max(0, budget.max_steps - level.steps));
    }
    if (tokens === undefined && costMicrousd === undefined && steps === undefined && this.deadline === undefined) return NO_LIMITS;
    // Assigned, not spread: this runs once per leaf, and each spread of an empty literal was an object.
    const remaining: { -readonly [K in keyof RemainingBudget]: RemainingBudget[K] } = {};
    if (tokens !== undefined) remaining.tokens = tokens;
    if (costMicrousd !== undefined) remaining.costMicrousd = costMicrousd;
    if (steps !== undefined) remaining.steps = steps;
    if (this.deadline !== undefined) remaining.deadline = this.deadline;
    return remaining;
  }

  /** Stops the wall-time timer; called when the level's node finishes. */
  close(): void {
    this.timer?.abort();
  }

  private checkUsage(): void {
    const budget = this.budget;
    if (!budget) return;
    if (budget.max_tokens != null && this.tokens > budget.max_tokens) this.exceed('max_tokens', budget.max_tokens, this.tokens);
    if (budget.max_cost_microusd !== undefined && this.costMicrousd > budget.max_cost_microusd) {
      this.exceed('max_cost_microusd', budget.max_cost_microusd, this.costMicrousd);
    }
    if (budget.max_steps != null && this.steps > budget.max_steps) this.exceed('max_steps', budget.max_steps, this.steps);
  }

  private exceed(budget: BudgetName, limit: number, used: number): void {
    if (this.scope.reason) return;
    const reason: CancelReason = { type: 'budget_exceeded', budget, limit, used, nodeId: this.nodeId };
    this.announce(reason);
    this.scope.cancel(reason);
  }
}

/** What a leaf under no limit may spend: shared, since most leaves of a wide run have none. */
const NO_LIMITS: RemainingBudget = Object.freeze({});

function minDefined(left: number | undefined, right: number | undefined): number | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return Math.min(left, right);
}
