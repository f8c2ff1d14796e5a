import { randomUUID } from 'node:crypto';
import { childListsOf, type LeafSpec, type NodeOfKind, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import { LeafJsonTemplate } from './leaf-json-template.js';
import { Sha256Feed } from './sha256-feed.js';

/** Plain nodes (no child lists) stringified together: one native call per batch. */
const BATCH_NODES = 128;

/**
 * A validated spec's canonical text — exactly `JSON.stringify(spec)` — and its SHA-256, written
 * in pieces: plain nodes (leaves included) in batches, each container around its child lists.
 * Each leaf's own JSON (exactly `JSON.stringify(leaf)`) is handed to `onLeaf` as it is written,
 * cut out of its batch's text: a leaf's input hash is taken over that text, which then costs no
 * second serialization per leaf, and a batch costs less than its leaves one by one (V8 pays per
 * call and copies each small result again into the slice it is hashed with). The text comes back
 * as a shallow tree of slices rather than one flat string: a 10,000-leaf spec's JSON is 4 MB, and
 * copying V8's JSON.stringify result into one flat string (which hashing it whole requires) cost
 * as much as writing it. A sink that stores the text as is never pays that copy.
 */
export function specText(spec: WorkflowSpec, onLeaf: LeafJsonListener = ignoreLeaf): SpecText {
  return new SpecTextWriter(spec, onLeaf).finish();
}

export interface SpecText {
  readonly text: string;
  readonly sha256: string;
}

/**
 * specText one batch of nodes at a time (`step`), so a caller can write it between other work:
 * the engine writes run_started's text while its first leaves wait, and a long text written in
 * one go held up their answers (see docs/performance.md). The same pieces in the same order as
 * specText, so the same text, hash and leaves heard.
 */
export class SpecTextWriter {
  private writing: { readonly feed: Sha256Feed; readonly steps: Generator<void, void, undefined> } | undefined;
  private written: SpecText | undefined;
  /** What a step threw: a generator that threw is over, and its text must not pass as whole. */
  private failure: { readonly error: unknown } | undefined;

  /** Nothing is done before the first step: a run makes its writer before its first leaves start. */
  constructor(
    private readonly spec: WorkflowSpec,
    private readonly onLeaf: LeafJsonListener = ignoreLeaf,
  ) {}

  private start(): { readonly feed: Sha256Feed; readonly steps: Generator<void, void, undefined> } {
    const feed = new Sha256Feed(true);
    // Stands in for a child list while its container is stringified; unguessable, so no text in the spec can equal it.
    const marker = `\u0000whaleflow-list-${randomUUID()}-`;
    const steps = writeAroundLists({ feed, marker, onLeaf: this.onLeaf, template: undefined }, this.spec, null, [{ field: 'nodes', nodes: this.spec.nodes }]);
    return { feed, steps };
  }

  /** Writes the next batch of nodes (or the rest of a container's own text); true once the text is whole. */
  step(): boolean {
    if (this.written) return true;
    if (this.failure) throw this.failure.error;
    let next: IteratorResult<void, void>;
    const writing = (this.writing ??= this.start());
    try {
      next = writing.steps.next();
    } catch (error) {
      this.failure = { error };
      throw error;
    }
    if (!next.done) return false;
    this.written = { sha256: writing.feed.digest(), text: writing.feed.text() };
    this.writing = undefined;
    return true;
  }

  /** Writes whatever is left and returns the text and its hash. */
  finish(): SpecText {
    while (!this.step());
    return this.written!;
  }
}

/** Hears each leaf of the spec with its JSON text, in the order they are written. */
export type LeafJsonListener = (leaf: LeafSpec, json: string) => void;

const ignoreLeaf: LeafJsonListener = () => undefined;

interface Writer {
  readonly feed: Sha256Feed;
  readonly marker: string;
  readonly onLeaf: LeafJsonListener;
  /** The last leaf written by serializing it, for writing the leaves like it (see LeafJsonTemplate). */
  template: LeafJsonTemplate | undefined;
}

interface NodeList {
  readonly field: string;
  readonly nodes: readonly NodeSpec[];
}

/** Yields after each batch of plain nodes: where a SpecTextWriter's step ends. */
function* writeList(writer: Writer, nodes: readonly NodeSpec[]): Generator<void, void, undefined> {
  const { feed } = writer;
  feed.add('[');
  let plainFrom = 0;
  for (let position = 0; position <= nodes.length; position += 1) {
    const node = nodes[position];
    const lists = node && node.kind !== 'leaf' ? nodeListsOf(node) : NO_LISTS;
    if (node && lists.length === 0) continue;
    // JSON.stringify of a batch is `[a,b,…]`: without its brackets, the nodes' own JSON joined by commas.
    for (let start = plainFrom; start < position; start += BATCH_NODES) {
      if (start > 0) feed.add(',');
      writeBatch(writer, nodes, start, Math.min(position, start + BATCH_NODES));
      yield;
    }
    if (node) {
      if (position > 0) feed.add(',');
      yield* writeAroundLists(writer, node, 'spec', lists);
    }
    plainFrom = position + 1;
  }
  feed.add(']');
}

/**
 * Plain nodes [from, to) as one JSON text, without its brackets; each leaf node among them hands
 * its leaf's JSON to the listener. A batch of plain leaf nodes like the last leaf serialized is
 * written from that template; one that is not is stringified whole and cut at the seams between
 * its nodes; any other batch (or one a seam's text appears inside) is written node by node,
 * leaves through `writeLeaf`.
 */
function writeBatch(writer: Writer, nodes: readonly NodeSpec[], from: number, to: number): void {
  const batch = nodes.slice(from, to);
  const plainLeaves = batch.filter(isPlainLeafNode).length;
  if (plainLeaves === 0) {
    writer.feed.add(JSON.stringify(batch).slice(1, -1));
    return;
  }
  if (plainLeaves === batch.length && writeLeafBatch(writer, batch as readonly NodeOfKind<'leaf'>[])) return;
  batch.forEach((node, index) => {
    if (index > 0) writer.feed.add(',');
    if (isPlainLeafNode(node)) writeLeaf(writer, (node as NodeOfKind<'leaf'>).spec);
    else writer.feed.add(JSON.stringify(node));
  });
}

/** Plain leaf nodes from the template, else stringified whole and cut at the seams; false when neither can. */
function writeLeafBatch(writer: Writer, batch: readonly NodeOfKind<'leaf'>[]): boolean {
  let leafTexts = templatedLeafTexts(writer, batch);
  let text: string;
  if (leafTexts) text = `${LEAF_NODE_OPENING}${leafTexts.join(`},${LEAF_NODE_OPENING}`)}}`;
  else {
    const whole = JSON.stringify(batch);
    leafTexts = leafTextsIn(whole, batch.length);
    text = whole.slice(1, -1);
  }
  if (!leafTexts) return false;
  writer.feed.add(text);
  batch.forEach((node, index) => writer.onLeaf(node.spec, leafTexts[index]!));
  return true;
}

/**
 * Each leaf's JSON from the writer's template, or undefined when a leaf is not like it. The
 * template is made again (serializing that leaf) at most once per batch, so a spec whose leaves
 * differ costs one leaf more per batch than stringifying the batch would.
 */
function templatedLeafTexts(writer: Writer, batch: readonly NodeOfKind<'leaf'>[]): string[] | undefined {
  const texts: string[] = [];
  let remade = false;
  for (const { spec: leaf } of batch) {
    let json = writer.template?.jsonOf(leaf);
    if (json === undefined) {
      if (remade) return undefined;
      remade = true;
      writer.template = LeafJsonTemplate.of(leaf);
      json = writer.template?.json;
      if (json === undefined) return undefined;
    }
    texts.push(json);
  }
  return texts;
}

/**
 * The leaves' own JSON in the text of `count` plain leaf nodes (`[{"kind":"leaf","spec":…},…]`),
 * or undefined when the seams between nodes cannot be told apart. Each node is
 * `{"kind":"leaf","spec":` + its leaf's JSON (an object: `{…}`) + `}`, so two nodes meet at
 * `}},{"kind":"leaf","spec":` — and inside a string that text cannot occur (its quotes would be
 * escaped). A leaf's JSON holds it only if it nests leaf nodes of its own; then the seams found
 * outnumber the nodes, and the batch is written node by node instead.
 */
function leafTextsIn(text: string, count: number): string[] | undefined {
  const texts: string[] = [];
  let start = 1; // after '['
  for (;;) {
    const seam = text.indexOf(SEAM, start);
    const end = seam < 0 ? text.length - 1 : seam + 2; // the node's text ends before ']' or ','
    if (texts.length === count) return undefined; // more nodes than leaves: a seam inside a leaf
    texts.push(text.slice(start + LEAF_NODE_OPENING.length, end - 1));
    if (seam < 0) return texts.length === count ? texts : undefined;
    start = seam + 3;
  }
}

/** `{"kind":"leaf","spec":`, the leaf's own JSON given to the listener. */
function writeLeaf(writer: Writer, leaf: LeafSpec): void {
  const json = JSON.stringify(leaf);
  writer.feed.add(LEAF_NODE_OPENING);
  writer.feed.add(json);
  writer.feed.add('}');
  writer.onLeaf(leaf, json);
}

const LEAF_NODE_OPENING = '{"kind":"leaf","spec":';
/** Where two leaf nodes meet in a batch's text: the end of one leaf and its node, then the next node. */
const SEAM = `}},${LEAF_NODE_OPENING}`;

/**
 * A leaf node whose JSON is `{"kind":"leaf","spec":<the leaf's JSON>}`: its own keys are exactly
 * these two, in this order, and neither it nor its leaf has a toJSON (a leaf's own JSON would
 * then depend on the key it is written under). A parsed spec's leaf nodes always are; any other
 * object is written as JSON.stringify writes it, with the batches, and not handed out.
 */
function isPlainLeafNode(node: NodeSpec): boolean {
  if (node.kind !== 'leaf' || 'toJSON' in node || 'toJSON' in node.spec) return false;
  let count = 0;
  for (const key in node) {
    if (!Object.prototype.hasOwnProperty.call(node, key)) return false;
    if ((count === 0 && key !== 'kind') || (count === 1 && key !== 'spec')) return false;
    count += 1;
  }
  return count === 2;
}

/**
 * An object whose child lists (on itself, or on its `spec`) are written piece by piece: it is
 * stringified with a marker in place of each list — same keys, same order — and each marker is
 * replaced by the list's own text.
 */
function* writeAroundLists(writer: Writer, owner: object, holder: 'spec' | null, lists: readonly NodeList[]): Generator<void, void, undefined> {
  const { feed, marker } = writer;
  const holding: Record<string, unknown> = { ...(holder ? (owner as Record<string, object>)[holder] : owner) };
  lists.forEach((list, index) => (holding[list.field] = `${marker}${index}`));
  const text = JSON.stringify(holder ? { ...owner, [holder]: holding } : holding);
  const places = lists.map((list, index) => ({ list, token: JSON.stringify(`${marker}${index}`) })).map((place) => ({ ...place, at: text.indexOf(place.token) }));
  if (places.some(({ token, at }) => at < 0 || text.includes(token, at + 1))) {
    feed.add(JSON.stringify(owner)); // cannot happen (the marker is unguessable); the plain text is still right
    return;
  }
  places.sort((left, right) => left.at - right.at);
  let from = 0;
  for (const { list, token, at } of places) {
    feed.add(text.slice(from, at));
    yield* writeList(writer, list.nodes);
    from = at + token.length;
  }
  feed.add(text.slice(from));
}

const NO_LISTS: readonly NodeList[] = [];

/** A container's lists of child nodes; an expand's template (one node) stays inside its JSON. */
function nodeListsOf(node: NodeSpec): readonly NodeList[] {
  const lists = childListsOf(node);
  return lists.length === 0 ? lists : lists.filter((list) => list.field !== 'template');
}
