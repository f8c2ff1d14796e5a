import type { NodeResult } from '../../ir/index.js';
import { Sha256Feed } from './sha256-feed.js';

/** Childless results stringified together: one native call per batch instead of one per leaf. */
const BATCH_NODES = 128;
/** Steps (a batch of childless nodes, or a container's own JSON) hashed per turn of the event loop. */
const STEPS_PER_TURN = 4;

/**
 * The run's results digest, fed as the run's top-level nodes settle (in declaration order)
 * rather than all at once before run_finished. The work waits for the next turn of the event
 * loop (setImmediate), after the following node has started and is waiting on its effect, and
 * is cut into a few batches per turn so timers due meanwhile still fire on time: the tree of a
 * wide fan-out is hashed while the fan-in that follows it waits on its model call, not on the
 * run's tail. `digest` finishes whatever is left, synchronously. The bytes hashed are exactly
 * those of resultsDigest (see feedNodes); only when they are hashed changes.
 */
export class ResultsDigestFeed {
  private readonly feed = new Sha256Feed();
  private readonly queued: NodeResult[] = [];
  private current: Iterator<void> | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor() {
    this.feed.add('[');
  }

  /** The next top-level result, in declaration order; it must not change afterwards. */
  add(result: NodeResult): void {
    this.queued.push(result);
    this.schedule();
  }

  /** The hex digest of every result added; the feed is done. */
  digest(): string {
    this.stop();
    this.hash(Number.POSITIVE_INFINITY);
    this.feed.add(']');
    return this.feed.digest();
  }

  /** Drops whatever is scheduled (the run failed; nobody will ask for the digest). */
  stop(): void {
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  private schedule(): void {
    this.immediate ??= setImmediate(() => this.work());
  }

  private work(): void {
    this.immediate = undefined;
    this.hash(STEPS_PER_TURN);
    if (this.current !== undefined || this.queued.length > 0) this.schedule();
  }

  private hash(steps: number): void {
    for (let left = steps; left > 0; left -= 1) {
      if (this.current === undefined) {
        const node = this.queued.shift(); // a run has few top-level nodes
        if (node === undefined) return;
        this.current = feedNode(this.feed, node);
      }
      if (this.current.next().done === true) this.current = undefined;
    }
  }
}

/**
 * The digest's text of a list of nodes: `[`, each node's text followed by a comma, `]`. A node's
 * text is its JSON when it has no children, else its JSON without `children` followed by its
 * children's text. Yields after each step, so a caller can spread the work over several turns.
 */
export function* feedNodes(feed: Sha256Feed, nodes: readonly NodeResult[]): Generator<void, void, undefined> {
  feed.add('[');
  let childless = 0; // where the current run of childless nodes starts
  for (let position = 0; position < nodes.length; position += 1) {
    const node = nodes[position]!;
    if (node.children === undefined) continue;
    yield* feedChildless(feed, nodes, childless, position);
    yield* feedNode(feed, node);
    childless = position + 1;
  }
  yield* feedChildless(feed, nodes, childless, nodes.length);
  feed.add(']');
}

function* feedNode(feed: Sha256Feed, node: NodeResult): Generator<void, void, undefined> {
  if (node.children === undefined) {
    feed.add(JSON.stringify(node));
  } else {
    const { children, ...own } = node;
    feed.add(JSON.stringify(own));
    yield;
    yield* feedNodes(feed, children);
  }
  feed.add(',');
  yield;
}

/**
 * Each node of nodes[from, to) — none has children, so its JSON is that of the node — followed by
 * a comma. JSON.stringify of a batch is `[a,b,…]`: without its brackets, the same text as the
 * nodes' own JSON joined by commas.
 */
function* feedChildless(feed: Sha256Feed, nodes: readonly NodeResult[], from: number, to: number): Generator<void, void, undefined> {
  for (let start = from; start < to; start += BATCH_NODES) {
    feed.add(JSON.stringify(nodes.slice(start, Math.min(to, start + BATCH_NODES))).slice(1, -1));
    feed.add(',');
    yield;
  }
}
