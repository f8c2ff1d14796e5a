import type { NodeResult, NodeSpec } from '../../ir/index.js';
import type { NodeContext } from '../run/run-context.js';
import { FifoSemaphore } from '../scheduling/fifo-semaphore.js';
import { waitForReferences } from './resolve-references.js';
import { runNode } from './run-node.js';

/** One after another, in declaration order. */
export async function runChildrenInOrder(children: readonly NodeSpec[], context: NodeContext): Promise<NodeResult[]> {
  const results: NodeResult[] = [];
  for (const child of children) results.push(await runNode(child, context));
  return results;
}

/** Selectors only watch other nodes finish; they do no work and never take a branch slot. */
const SELECTOR_KINDS: ReadonlySet<NodeSpec['kind']> = new Set(['tournament', 'pareto', 'teacher_review']);

/**
 * All at once, bounded by `maxParallel` (the branch's own limit; leaves are also bounded
 * globally and per provider). A child that refers to a sibling waits for it first — dataflow —
 * without holding a slot and without serializing the others. Results come back in declaration
 * order whatever order they finish in.
 */
export function runChildrenInParallel(children: readonly NodeSpec[], context: NodeContext, maxParallel: number | null): Promise<NodeResult[]> {
  const slots = maxParallel !== null && maxParallel > 0 && maxParallel < children.length ? new FifoSemaphore(maxParallel) : undefined;
  const { index } = context.run;
  return Promise.all(
    children.map(async (child) => {
      const external = index.externalReferencesOf(child);
      if (external.length > 0) await waitForReferences(context, child.spec.id, external);
      if (!slots || SELECTOR_KINDS.has(child.kind)) return runNode(child, context);
      // A cancelled branch still reports every child, so a queued child runs (and ends at once) without a slot.
      const waiting = slots.acquire();
      if (waiting) await waiting;
      try {
        return await runNode(child, context);
      } finally {
        slots.release();
      }
    }),
  );
}
