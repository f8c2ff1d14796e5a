import type { NodeResult, NodeSpec } from '../../ir/index.js';
import { isPending, type MaybePromise } from '../contracts/index.js';
import type { NodeContext } from '../run/run-context.js';
import { FifoSemaphore } from '../scheduling/fifo-semaphore.js';
import { waitForReferences } from './resolve-references.js';
import { runNode } from './run-node.js';

/** One after another, in declaration order. */
export async function runChildrenInOrder(children: readonly NodeSpec[], context: NodeContext): Promise<NodeResult[]> {
  const results: NodeResult[] = [];
  for (const child of children) {
    const result = runNode(child, context);
    results.push(isPending(result) ? await result : result);
  }
  return results;
}

/** Selectors only watch other nodes finish; they do no work and never take a branch slot. */
const SELECTOR_KINDS: ReadonlySet<NodeSpec['kind']> = new Set(['tournament', 'pareto', 'teacher_review']);

/**
 * Concurrently, at most `window` children at a time, started in declaration order (FIFO, no
 * bursts): `budget.max_parallel` when the branch sets it, else the global leaf limit — more
 * running children could not run more leaves, and would only hold memory (a 100,000-leaf branch
 * must not create 100,000 waiting tasks). A child that refers to a sibling waits for it first —
 * dataflow — without holding a window slot and without serializing the others. Selectors
 * (tournament, pareto, teacher_review) watch other nodes and never take a slot. Results come
 * back in declaration order whatever order they finish in. A child that finished at once (see
 * admitted-leaf) is kept as its result: no promise to gather when none had to wait.
 */
export async function runChildrenInParallel(children: readonly NodeSpec[], context: NodeContext, maxParallel: number | null): Promise<NodeResult[]> {
  const { index } = context.run;
  const window = maxParallel !== null && maxParallel > 0 ? maxParallel : context.run.settings.maxConcurrentLeaves;
  const slots = window < children.length ? new FifoSemaphore(window) : undefined;
  const running = new Array<MaybePromise<NodeResult>>(children.length);
  let pending = false;
  for (let position = 0; position < children.length; position += 1) {
    const child = children[position]!;
    const external = index.externalReferencesOf(child);
    const slotted = slots && !SELECTOR_KINDS.has(child.kind) ? slots : undefined;
    if (external.length > 0) {
      running[position] = runAfterReferences(child, context, external, slotted);
    } else if (!slotted) {
      running[position] = runNode(child, context);
    } else {
      // Started only once a slot is free, so a huge branch never holds more tasks than its window.
      const waiting = slotted.acquire();
      if (waiting) await waiting;
      running[position] = runHoldingSlot(child, context, slotted);
    }
    pending ||= isPending(running[position]);
  }
  return pending ? Promise.all(running) : (running as NodeResult[]);
}

async function runAfterReferences(child: NodeSpec, context: NodeContext, external: readonly string[], slots: FifoSemaphore | undefined): Promise<NodeResult> {
  await waitForReferences(context, child.spec.id, external);
  if (!slots) return runNode(child, context);
  const waiting = slots.acquire();
  if (waiting) await waiting;
  return runHoldingSlot(child, context, slots);
}

/** Releases the slot however the child ends; no async frame per child (a leaf each, on a fan-out). */
function runHoldingSlot(child: NodeSpec, context: NodeContext, slots: FifoSemaphore): MaybePromise<NodeResult> {
  let running: MaybePromise<NodeResult>;
  try {
    running = runNode(child, context);
  } catch (error) {
    slots.release();
    return Promise.reject(error);
  }
  if (!isPending(running)) {
    slots.release();
    return running;
  }
  return running.then(
    (result) => {
      slots.release();
      return result;
    },
    (error: unknown) => {
      slots.release();
      throw error;
    },
  );
}
