import { emptyMemoUsage, type WorkflowSpec } from '../ir/index.js';
import type { EffectResult, LeafRunContext, LeafRunInput, LeafRunner } from '../engine/contracts/index.js';
import { specSkeleton } from './spec-skeleton.js';

/** The error a leaf stopped by `whaleflow cancel RUN NODE` finishes with. */
export const NODE_CANCELLED_MESSAGE = 'cancelled by the user (whaleflow cancel)';

/**
 * Per-node cancel for a running workflow, added in the run process's wiring because the
 * engine's API cancels only a whole run (ExecuteRequest.signal). It wraps the LeafRunner:
 * cancelling a node aborts the leaves running under it (the runner sees its signal abort)
 * and makes every later leaf under it finish at once with a failure naming the cancel.
 * Containment comes from the spec; leaves an expand adds at run time can only be cancelled
 * by their own id.
 */
export class NodeCancellation {
  private readonly parentOf = new Map<string, string | null>();
  private readonly cancelled = new Set<string>();
  private readonly running = new Map<string, AbortController>();

  constructor(spec: WorkflowSpec) {
    for (const node of specSkeleton(JSON.stringify(spec)).nodes) this.parentOf.set(node.nodeId, node.parentId);
  }

  /** Stops `nodeId` and everything below it; later leaves below it never start. */
  cancel(nodeId: string): void {
    this.cancelled.add(nodeId);
    for (const [leafId, controller] of this.running) {
      if (this.isCancelled(leafId)) controller.abort(new Error(NODE_CANCELLED_MESSAGE));
    }
  }

  isCancelled(nodeId: string): boolean {
    for (let current: string | null | undefined = nodeId; current; current = this.parentOf.get(current)) {
      if (this.cancelled.has(current)) return true;
    }
    return false;
  }

  wrap(runner: LeafRunner): LeafRunner {
    return { run: (input, context) => this.runLeaf(runner, input, context) };
  }

  private async runLeaf(runner: LeafRunner, input: LeafRunInput, context: LeafRunContext): Promise<EffectResult> {
    const leafId = input.leaf.id;
    if (this.isCancelled(leafId)) return cancelledLeafResult();
    const controller = new AbortController();
    const forward = (): void => controller.abort(context.signal.reason);
    if (context.signal.aborted) forward();
    else context.signal.addEventListener('abort', forward, { once: true });
    this.running.set(leafId, controller);
    const stoppedByUs = new Promise<EffectResult>((resolve) => {
      controller.signal.addEventListener('abort', () => {
        if (!context.signal.aborted) resolve(cancelledLeafResult());
      }, { once: true });
    });
    try {
      // The engine's own cancel still wins (its raceAbort sees context.signal); ours ends the leaf as cancelled.
      return await Promise.race([runner.run(input, { ...context, signal: controller.signal }), stoppedByUs]);
    } finally {
      this.running.delete(leafId);
      context.signal.removeEventListener('abort', forward);
    }
  }
}

function cancelledLeafResult(): EffectResult {
  return { status: 'failed', output: null, usage: { input_tokens: 0, output_tokens: 0, cost_microusd: 0 }, memo_usage: emptyMemoUsage(), error: NODE_CANCELLED_MESSAGE };
}
