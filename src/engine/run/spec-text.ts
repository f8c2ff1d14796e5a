import { randomUUID } from 'node:crypto';
import { childListsOf, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';
import { Sha256Feed } from './sha256-feed.js';

/** Plain nodes (no child lists) stringified together: one native call per batch. */
const BATCH_NODES = 128;

/**
 * A validated spec's canonical text — exactly `JSON.stringify(spec)` — and its SHA-256, written
 * in pieces: plain nodes in batches, each container around its child lists. The text comes back
 * as a shallow tree of ~64 Ki slices rather than one flat string: a 10,000-leaf spec's JSON is
 * 4 MB, and copying V8's JSON.stringify result into one flat string (which hashing it whole
 * requires) cost as much as writing it. A sink that stores the text as is never pays that copy.
 */
export function specText(spec: WorkflowSpec): { readonly text: string; readonly sha256: string } {
  const feed = new Sha256Feed(true);
  // Stands in for a child list while its container is stringified; unguessable, so no text in the spec can equal it.
  const marker = `\u0000whaleflow-list-${randomUUID()}-`;
  writeAroundLists(feed, spec, null, [{ field: 'nodes', nodes: spec.nodes }], marker);
  const sha256 = feed.digest();
  return { text: feed.text(), sha256 };
}

interface NodeList {
  readonly field: string;
  readonly nodes: readonly NodeSpec[];
}

function writeList(feed: Sha256Feed, nodes: readonly NodeSpec[], marker: string): void {
  feed.add('[');
  let plainFrom = 0;
  for (let position = 0; position <= nodes.length; position += 1) {
    const node = nodes[position];
    const lists = node ? nodeListsOf(node) : [];
    if (node && lists.length === 0) continue;
    // JSON.stringify of a batch is `[a,b,…]`: without its brackets, the nodes' own JSON joined by commas.
    for (let start = plainFrom; start < position; start += BATCH_NODES) {
      if (start > 0) feed.add(',');
      feed.add(JSON.stringify(nodes.slice(start, Math.min(position, start + BATCH_NODES))).slice(1, -1));
    }
    if (node) {
      if (position > 0) feed.add(',');
      writeAroundLists(feed, node, 'spec', lists, marker);
    }
    plainFrom = position + 1;
  }
  feed.add(']');
}

/**
 * An object whose child lists (on itself, or on its `spec`) are written piece by piece: it is
 * stringified with a marker in place of each list — same keys, same order — and each marker is
 * replaced by the list's own text.
 */
function writeAroundLists(feed: Sha256Feed, owner: object, holder: 'spec' | null, lists: readonly NodeList[], marker: string): void {
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
    writeList(feed, list.nodes, marker);
    from = at + token.length;
  }
  feed.add(text.slice(from));
}

/** A container's lists of child nodes; an expand's template (one node) stays inside its JSON. */
function nodeListsOf(node: NodeSpec): readonly NodeList[] {
  const lists = childListsOf(node);
  return lists.length === 0 ? lists : lists.filter((list) => list.field !== 'template');
}
