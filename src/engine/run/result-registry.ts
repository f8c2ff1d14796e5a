import { childListsOf, type NodeResult, type NodeSpec } from '../../ir/index.js';
import type { CancelReason } from '../contracts/index.js';
import type { CancelScope } from './cancel-scope.js';

/** A node's place in the registry: given back by `started`, so settling it needs no second lookup. */
export interface Entry {
  /** Undefined while pending; null when the node will not run (an arm not taken, a template). */
  outcome: NodeResult | null | undefined;
  waiters: ((outcome: NodeResult | null) => void)[] | undefined;
  scope: CancelScope | undefined;
  /** A cancel requested before the node started (a tournament loser still queued). */
  pendingCancel: CancelReason | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** Effects the node has asked for so far, outside loop bodies (see RunContext.nextOrdinal). */
  ordinals: number;
}

/**
 * The results of a run by node id, and the dataflow between nodes: a consumer waits here for
 * its producer to settle. Every node settles exactly once per loop iteration — with a result,
 * or as absent when it will never run — so no wait can hang.
 */
export class ResultRegistry {
  private readonly entries = new Map<string, Entry>();
  /**
   * Cancels the caller asked for by node id (RunController). Unlike a tournament's cancel they
   * outlive a loop iteration's reset: a node the user stopped does not start again.
   */
  private readonly requestedCancels = new Map<string, CancelReason>();

  private entry(id: string): Entry {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { outcome: undefined, waiters: undefined, scope: undefined, pendingCancel: undefined, startedAt: undefined, finishedAt: undefined, ordinals: 0 };
      this.entries.set(id, entry);
    }
    return entry;
  }

  /** The settled result, null when the node did not run, undefined while it has not settled. */
  peek(id: string): NodeResult | null | undefined {
    return this.entries.get(id)?.outcome;
  }

  /** Resolves once the node has settled: its result, or null when it never ran. */
  waitFor(id: string): Promise<NodeResult | null> | NodeResult | null {
    const entry = this.entry(id);
    if (entry.outcome !== undefined) return entry.outcome;
    return new Promise((resolve) => {
      (entry.waiters ??= []).push(resolve);
    });
  }

  /**
   * Resolves once every listed node has settled; undefined when all have. `entries`, when given,
   * gets each node's entry in the order listed, whose outcome is the node's result once settled
   * (a consumer reads them there instead of looking every id up again). One wait for many
   * nodes, not one per node: a fan-in over 2,000 leaves that awaited them one by one resumed
   * once per leaf as the leaves finished, in the middle of the work that starts the next ones.
   */
  waitForAll(ids: readonly string[], entries?: Entry[]): Promise<void> | undefined {
    let pending = 0;
    let release: (() => void) | undefined;
    const settledOne = (): void => {
      pending -= 1;
      if (pending === 0) release?.();
    };
    for (let position = 0; position < ids.length; position += 1) {
      const entry = this.entry(ids[position]!);
      if (entries) entries[position] = entry;
      if (entry.outcome !== undefined) continue;
      pending += 1;
      (entry.waiters ??= []).push(settledOne);
    }
    if (pending === 0) return undefined;
    return new Promise((resolve) => {
      release = resolve;
    });
  }

  /** Returns the node's entry: a running node's entry stays until it settles (`reset` drops settled ones only). */
  started(id: string, scope: CancelScope, at: number): Entry {
    const entry = this.entry(id);
    entry.scope = scope;
    entry.startedAt = at;
    const pending = entry.pendingCancel ?? (this.requestedCancels.size > 0 ? this.requestedCancels.get(id) : undefined);
    if (pending) scope.cancel(pending);
    return entry;
  }

  /** Settles the node `id` (whose entry `started` gave, when the caller has it). */
  settle(id: string, outcome: NodeResult | null, at?: number, entry: Entry = this.entry(id)): void {
    if (entry.outcome !== undefined) return;
    entry.outcome = outcome;
    entry.finishedAt = at;
    entry.scope = undefined;
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const resolve of waiters) resolve(outcome);
  }

  /** Settles every listed node that has not settled yet as absent (it will not run now). */
  settleAbsent(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.entries.get(id)?.outcome !== undefined) continue;
      this.settle(id, null);
    }
  }

  /**
   * Settles as absent every node below `node` that has not settled (an arm not taken, a template,
   * a child a failed launch never started), in the order settleAbsent(subtreeIds(node)) did. A
   * settled node's descendants settled with it (a container settles them here as it finishes,
   * settleAbsent takes whole subtrees), so its subtree is not walked. `ran`, when given, holds the
   * results its node's children (its one child list) finished with, in their order: each settled
   * as it finished, so a child found there with its id is not looked up (a branch of 10,000
   * leaves that all ran costs no lookup per leaf; a miss in the cache each, on a cold run).
   */
  settleUnrunBelow(node: NodeSpec, ran?: readonly NodeResult[]): void {
    const stack: NodeSpec[] = [];
    const pushChildren = (parent: NodeSpec): void => {
      for (const list of childListsOf(parent)) for (const child of list.nodes) stack.push(child);
    };
    const lists = childListsOf(node);
    if (ran && lists.length === 1) {
      const children = lists[0]!.nodes;
      for (let position = 0; position < children.length; position += 1) {
        const child = children[position]!;
        if (ran[position]?.id !== child.spec.id) stack.push(child);
      }
    } else pushChildren(node);
    for (let current = stack.pop(); current; current = stack.pop()) {
      const id = current.spec.id;
      if (this.entries.get(id)?.outcome !== undefined) continue;
      this.settle(id, null);
      pushChildren(current);
    }
  }

  /** The next effect ordinal of a node that runs once per run. */
  nextOrdinal(id: string): number {
    const entry = this.entry(id);
    entry.ordinals += 1;
    return entry.ordinals - 1;
  }

  /** Forgets the listed nodes' results before a loop's next iteration runs them again. */
  reset(ids: Iterable<string>): void {
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (entry && entry.outcome !== undefined) this.entries.delete(id);
    }
  }

  /** Cancels a node now if it runs, or as soon as it starts. */
  cancel(id: string, reason: CancelReason): void {
    const entry = this.entry(id);
    if (entry.outcome !== undefined) return;
    entry.pendingCancel = reason;
    entry.scope?.cancel(reason);
  }

  /**
   * A cancel the caller asked for: stops the node now if it runs, makes it stop at once whenever
   * it starts (this iteration or a later one). The first request for a node wins.
   */
  cancelOnRequest(id: string, reason: CancelReason): void {
    if (this.requestedCancels.has(id)) return;
    this.requestedCancels.set(id, reason);
    this.entries.get(id)?.scope?.cancel(reason);
  }

  isCancelRequested(id: string): boolean {
    return this.requestedCancels.has(id);
  }

  isRunning(id: string): boolean {
    const entry = this.entries.get(id);
    return !!entry && entry.outcome === undefined && entry.scope !== undefined;
  }

  timing(id: string): { startedAt?: number; finishedAt?: number } {
    const entry = this.entries.get(id);
    return { ...(entry?.startedAt !== undefined ? { startedAt: entry.startedAt } : {}), ...(entry?.finishedAt !== undefined ? { finishedAt: entry.finishedAt } : {}) };
  }
}
