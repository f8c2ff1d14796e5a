import type { NodeResult } from '../../ir/index.js';
import { Sha256Feed } from './sha256-feed.js';

/** Childless results stringified together: one native call per batch instead of one per leaf. */
const BATCH_NODES = 128;
/** Steps (a batch of childless nodes, or a container's own JSON) hashed per turn of the event loop. */
const STEPS_PER_TURN = 4;
/** Leaves stringified ahead per turn of the event loop. */
const PREPARED_PER_TURN = 512;
/**
 * At most this many characters of leaves' JSON are kept ready (16 Mi: some 30,000 leaves of the
 * usual size); past it, leaves are stringified at the end as before, so a huge run holds no more.
 */
const PREPARED_CHARS = 1 << 24;

/** A leaf's JSON stringified ahead, if it was. */
type PreparedJson = (node: NodeResult) => string | undefined;

/**
 * The run's results digest, worked on while the run waits on its effects instead of all at once
 * on the run's tail, before run_finished. Two kinds of work wait for the next turn of the event
 * loop (setImmediate: after the run's own continuations, when it is waiting on timers or I/O):
 * each finished leaf's JSON is made and kept (up to PREPARED_CHARS), and each top-level node,
 * once it and those before it have settled, is hashed (a few batches per turn, so timers due
 * meanwhile still fire on time). `digest` finishes whatever is left, synchronously. The bytes
 * hashed are exactly those of resultsDigest (see feedNodes); only when the work is done changes.
 */
export class ResultsDigestFeed {
  private readonly feed = new Sha256Feed();
  private readonly queued: NodeResult[] = [];
  private current: Iterator<void> | undefined;
  private readonly toPrepare: NodeResult[] = [];
  private readonly prepared = new Map<NodeResult, string>();
  private preparedChars = 0;
  private immediate: NodeJS.Immediate | undefined;
  private readonly lookup: PreparedJson = (node) => this.prepared.get(node);

  constructor() {
    this.feed.add('[');
  }

  /** A leaf's result as it finishes; it must not change afterwards. Its JSON is made ahead, when there is room. */
  prepare(result: NodeResult): void {
    if (this.preparedChars >= PREPARED_CHARS || result.children !== undefined) return;
    this.toPrepare.push(result);
    this.schedule();
  }

  /** The next top-level result, in declaration order; it must not change afterwards. */
  add(result: NodeResult): void {
    this.queued.push(result);
    this.schedule();
  }

  /** The hex digest of every result added; the feed is done. */
  digest(): string {
    this.stop();
    this.toPrepare.length = 0; // the batches not made ahead are stringified together, cheaper than one by one
    this.hash(Number.POSITIVE_INFINITY);
    this.prepared.clear();
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
    this.prepareSome(PREPARED_PER_TURN);
    this.hash(STEPS_PER_TURN);
    if (this.current !== undefined || this.queued.length > 0 || this.toPrepare.length > 0) this.schedule();
  }

  private prepareSome(count: number): void {
    const taken = this.toPrepare.splice(0, count);
    for (const node of taken) {
      if (this.preparedChars >= PREPARED_CHARS) break;
      const json = JSON.stringify(node);
      this.prepared.set(node, json);
      this.preparedChars += json.length;
    }
  }

  private hash(steps: number): void {
    for (let left = steps; left > 0; left -= 1) {
      if (this.current === undefined) {
        const node = this.queued.shift(); // a run has few top-level nodes
        if (node === undefined) return;
        this.current = feedNode(this.feed, node, this.lookup);
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
export function* feedNodes(feed: Sha256Feed, nodes: readonly NodeResult[], prepared?: PreparedJson): Generator<void, void, undefined> {
  feed.add('[');
  let childless = 0; // where the current run of childless nodes starts
  for (let position = 0; position < nodes.length; position += 1) {
    const node = nodes[position]!;
    if (node.children === undefined) continue;
    yield* feedChildless(feed, nodes, childless, position, prepared);
    yield* feedNode(feed, node, prepared);
    childless = position + 1;
  }
  yield* feedChildless(feed, nodes, childless, nodes.length, prepared);
  feed.add(']');
}

function* feedNode(feed: Sha256Feed, node: NodeResult, prepared: PreparedJson | undefined): Generator<void, void, undefined> {
  if (node.children === undefined) {
    feed.add(prepared?.(node) ?? JSON.stringify(node));
  } else {
    const { children, ...own } = node;
    feed.add(JSON.stringify(own));
    yield;
    yield* feedNodes(feed, children, prepared);
  }
  feed.add(',');
  yield;
}

/**
 * Each node of nodes[from, to) — none has children, so its JSON is that of the node — followed by
 * a comma: the JSON made ahead where every node of a batch has it, else JSON.stringify of the
 * batch, `[a,b,…]`, which without its brackets is the same text as the nodes' own JSON joined by commas.
 */
function* feedChildless(feed: Sha256Feed, nodes: readonly NodeResult[], from: number, to: number, prepared: PreparedJson | undefined): Generator<void, void, undefined> {
  for (let start = from; start < to; start += BATCH_NODES) {
    const end = Math.min(to, start + BATCH_NODES);
    const texts = prepared ? preparedTexts(nodes, start, end, prepared) : undefined;
    feed.add(texts ? texts.join(',') : JSON.stringify(nodes.slice(start, end)).slice(1, -1));
    feed.add(',');
    yield;
  }
}

/** The JSON made ahead of each node of nodes[from, to), or undefined when one has none. */
function preparedTexts(nodes: readonly NodeResult[], from: number, to: number, prepared: PreparedJson): string[] | undefined {
  const texts: string[] = [];
  for (let position = from; position < to; position += 1) {
    const text = prepared(nodes[position]!);
    if (text === undefined) return undefined;
    texts.push(text);
  }
  return texts;
}
