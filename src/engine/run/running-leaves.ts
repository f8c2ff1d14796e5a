import type { CancelScope } from './cancel-scope.js';

/** A leaf that is running now: for the no-progress watchdog. */
export interface RunningLeaf {
  readonly nodeId: string;
  readonly startedAt: number;
  lastActivityAt: number;
  /** Model calls in flight (see LeafRunContext.awaitModel): bounded by the provider's timeout, so not idleness. */
  modelCalls: number;
  readonly scope: CancelScope;
  /** Where it sits in RunningLeaves (its own business). */
  slot: number;
}

/**
 * The leaves running now. An array with swap removal, not a Map by id: a leaf is added and
 * removed once each, and a Map that gains and loses an entry per leaf rebuilds its table every
 * few leaves (about 150 bytes of garbage per leaf on a wide fan-out).
 */
export class RunningLeaves {
  private readonly leaves: RunningLeaf[] = [];

  add(leaf: RunningLeaf): void {
    leaf.slot = this.leaves.length;
    this.leaves.push(leaf);
  }

  remove(leaf: RunningLeaf): void {
    const last = this.leaves.pop()!;
    if (last === leaf) return;
    this.leaves[leaf.slot] = last;
    last.slot = leaf.slot;
  }

  /** A copy: what the caller does with a leaf (cancel it) may end others. */
  snapshot(): readonly RunningLeaf[] {
    return [...this.leaves];
  }
}
