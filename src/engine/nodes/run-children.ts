import type { NodeResult, NodeSpec } from '../../ir/index.js';
import { isPending, type MaybePromise } from '../contracts/index.js';
import type { BatchPreparer } from '../run/prepared-result-json.js';
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
function isSelector(kind: NodeSpec['kind']): boolean {
  return kind === 'tournament' || kind === 'pareto' || kind === 'teacher_review';
}

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
export function runChildrenInParallel(children: readonly NodeSpec[], context: NodeContext, maxParallel: number | null): MaybePromise<NodeResult[]> {
  const window = maxParallel !== null && maxParallel > 0 ? maxParallel : context.run.settings.maxConcurrentLeaves;
  if (window >= children.length) return new ParallelLaunch(children, context, undefined, undefined).start();
  return new ParallelLaunch(children, context, new FifoSemaphore(window), preparerFor(children, context, window)).start();
}

/** Leaves that wait for slots settle over many turns: their results' JSON can be written meanwhile, once per run (not in loops). */
function preparerFor(children: readonly NodeSpec[], context: NodeContext, window: number): BatchPreparer | undefined {
  const { run, parentId, iteration } = context;
  if (iteration !== 0 || parentId === null || run.index.isInLoopBody(parentId)) return undefined;
  return run.preparedResults.preparerFor(children, run.registry, window);
}

/**
 * Starts a parallel branch's children in declaration order, pausing at a child that must wait for
 * a window slot. The release that frees the slot starts that child and the ones after it in its
 * own turn (FifoSemaphore.take), as an awaiting loop did one microtask later: on a fan-out of
 * leaves on timers that was a promise, a hop and an async resume per leaf, between a leaf's end
 * and its successor's start. A child gives its slot back as soon as its node_finished is
 * recorded (runNode's `slot`), not in a continuation of its own.
 */
class ParallelLaunch {
  private readonly running: MaybePromise<NodeResult>[];
  private position = 0;
  private pending = false;
  /** Settles start()'s promise; made only if the launch had to pause. */
  private finish: { resolve: (results: MaybePromise<NodeResult[]>) => void; reject: (error: unknown) => void } | undefined;
  /** Called by the release that hands the paused child its slot. */
  private readonly resume = (): void => {
    this.runAt(this.position, runNode(this.children[this.position]!, this.context, this.slots));
    this.launch();
    this.preparer?.started(this.position);
  };

  constructor(
    private readonly children: readonly NodeSpec[],
    private readonly context: NodeContext,
    private readonly slots: FifoSemaphore | undefined,
    private readonly preparer: BatchPreparer | undefined,
  ) {
    this.running = new Array<MaybePromise<NodeResult>>(children.length);
  }

  start(): MaybePromise<NodeResult[]> {
    this.launch();
    if (this.position === this.children.length) return this.gathered();
    return new Promise((resolve, reject) => {
      this.finish = { resolve, reject };
    });
  }

  private launch(): void {
    const { children, context, slots } = this;
    const { index } = context.run;
    try {
      while (this.position < children.length) {
        const child = children[this.position]!;
        const external = index.externalReferencesOf(child);
        const slotted = slots && !isSelector(child.kind) ? slots : undefined;
        if (external.length > 0) this.runAt(this.position, runAfterReferences(child, context, external, slotted));
        else if (!slotted) this.runAt(this.position, runNode(child, context));
        // Started only once a slot is free, so a huge branch never holds more tasks than its window.
        else if (slotted.take(this.resume)) this.runAt(this.position, runNode(child, context, slotted));
        else return;
      }
    } catch (error) {
      if (!this.finish) throw error;
      this.finish.reject(error);
      return;
    }
    this.finish?.resolve(this.gathered());
  }

  private runAt(position: number, running: MaybePromise<NodeResult>): void {
    this.running[position] = running;
    this.pending ||= isPending(running);
    this.position = position + 1;
  }

  /** Results in declaration order: as they are when every child finished at once. */
  private gathered(): MaybePromise<NodeResult[]> {
    if (!this.pending) return this.running as NodeResult[];
    const all = Promise.all(this.running);
    const preparer = this.preparer;
    if (!preparer) return all;
    // Once every child has settled the digest is near: what is not prepared by then, it writes.
    return all.then(
      (results) => (preparer.stop(), results),
      (error: unknown) => {
        preparer.stop();
        throw error;
      },
    );
  }
}

async function runAfterReferences(child: NodeSpec, context: NodeContext, external: readonly string[], slots: FifoSemaphore | undefined): Promise<NodeResult> {
  await waitForReferences(context, child.spec.id, external);
  if (!slots) return runNode(child, context);
  const waiting = slots.acquire();
  if (waiting) await waiting;
  return runNode(child, context, slots);
}
