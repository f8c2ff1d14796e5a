import type { CancelReason, EffectScope, RunEvent } from '../engine/contracts/index.js';
import { childListsOf, type NodeSpec, type Usage, type WorkflowSpec } from '../ir/index.js';
import { assertNever } from '../util/index.js';
import { effectSlot } from './recorded-effects.js';

/** One recorded `cancel_requested`: what was stopped, why, and where it sits in the record. */
export interface RecordedCancel {
  /** The cancelled node, or null for the whole run. */
  readonly nodeId: string | null;
  readonly reason: CancelReason;
  /**
   * How many effects the recording had completed before this cancel: those the replay must have
   * asked for before it applies the cancel, so work that finished first still finishes first.
   */
  readonly completedBefore: number;
}

/**
 * The cancels of a recorded run, so a replay can stop exactly what the recording stopped. An
 * effect the recording requested but never completed — in flight when a cancel (user, budget,
 * tournament loser, no-progress watchdog) stopped it — is covered by the first recorded cancel
 * of its node or of an ancestor (or of the whole run). Containment comes from the recorded
 * node_started events (which include expanded nodes), else from the spec. Empty and cheap for
 * the common run without cancels.
 */
export class RecordedCancels {
  readonly cancels: RecordedCancel[] = [];
  private readonly parentOf = new Map<string, string | null>();
  /** Position of each completed effect in the recording's completion order, by slot. */
  private readonly completionOrder = new Map<string, number>();
  /** Usage each node finished with, per (node, iteration): a cut-off node's partial spend. */
  private readonly finishedUsage = new Map<string, Usage>();

  constructor(spec: WorkflowSpec, events: readonly RunEvent[]) {
    if (!events.some((event) => event.type === 'cancel_requested')) return;
    indexContainment(spec.nodes, null, this.parentOf);
    for (const event of events) this.read(event);
  }

  private read(event: RunEvent): void {
    switch (event.type) {
      case 'cancel_requested':
        this.cancels.push({ nodeId: event.nodeId, reason: event.reason, completedBefore: this.completionOrder.size });
        return;
      case 'effect_completed':
        // A nested effect (a leaf's memory operation) is never asked by a replay that serves its leaf.
        if (event.scope.within === undefined) this.completionOrder.set(effectSlot(event.scope, event.ordinal), this.completionOrder.size);
        return;
      case 'node_started':
        this.parentOf.set(event.nodeId, event.parentId);
        return;
      case 'node_finished':
        this.finishedUsage.set(usageKey(event.nodeId, event.iteration), event.usage);
        return;
      case 'run_started':
      case 'effect_requested':
      case 'decision':
      case 'activity':
      case 'leaf_stopped':
      case 'leaf_placed':
      case 'heartbeat':
      case 'run_finished':
        return;
      default:
        return assertNever(event, 'run event');
    }
  }

  get isEmpty(): boolean {
    return this.cancels.length === 0;
  }

  /** The first recorded cancel of the node, one of its ancestors, or the whole run. */
  covering(nodeId: string): RecordedCancel | undefined {
    const lineage = new Set<string>();
    for (let current: string | null | undefined = nodeId; current; current = this.parentOf.get(current)) {
      if (lineage.has(current)) break; // a malformed record must not loop
      lineage.add(current);
    }
    return this.cancels.find((cancel) => cancel.nodeId === null || lineage.has(cancel.nodeId));
  }

  /** Where the effect in this slot (effectSlot) completed in the recording, or undefined if it never did. */
  completionIndexOf(slot: string): number | undefined {
    return this.completionOrder.get(slot);
  }

  /** The slots the recording completed before a cancel, in order. */
  slotsCompletedBefore(cancel: RecordedCancel): string[] {
    const slots: string[] = [];
    for (const [slot, index] of this.completionOrder) if (index < cancel.completedBefore) slots.push(slot);
    return slots;
  }

  /** What the node had spent when the recording stopped it (its recorded partial usage). */
  spentBy(scope: EffectScope): Usage | undefined {
    return this.finishedUsage.get(usageKey(scope.nodeId, scope.iteration));
  }
}

function usageKey(nodeId: string, iteration: number): string {
  return `${nodeId}\u0000${iteration}`;
}

function indexContainment(nodes: readonly NodeSpec[], parentId: string | null, parentOf: Map<string, string | null>): void {
  for (const node of nodes) {
    parentOf.set(node.spec.id, parentId);
    for (const list of childListsOf(node)) indexContainment(list.nodes, node.spec.id, parentOf);
  }
}

