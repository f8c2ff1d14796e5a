import { createHash, type Hash } from 'node:crypto';
import type { NodeResult, WorkflowResult } from '../ir/index.js';
import type { RecordedWorkflowResult } from './contracts/index.js';

/**
 * SHA-256 of the node tree, fed node by node (each node's JSON without its children, then its
 * children between brackets) rather than of one JSON text: the tree of a 100,000-leaf run would
 * be a string of tens of megabytes at the very end of the run, when memory peaks. Equal trees
 * (the engine builds them with the same key order) give equal digests.
 */
export function resultsDigest(results: readonly NodeResult[]): string {
  const feed = new DigestFeed();
  feedNodes(feed, results);
  return feed.digest();
}

/** Text for the hash, handed over in slices of about 64 Ki characters: one update per node was most of the digest's cost. */
class DigestFeed {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= FEED_SLICE_CHARS) {
      this.hash.update(this.pending);
      this.pending = '';
    }
  }

  digest(): string {
    return this.hash.update(this.pending).digest('hex');
  }
}

const FEED_SLICE_CHARS = 1 << 16;

function feedNodes(feed: DigestFeed, nodes: readonly NodeResult[]): void {
  feed.add('[');
  for (const node of nodes) {
    if (node.children === undefined) {
      // A leaf: its JSON is already that of the node without children, no copy needed.
      feed.add(JSON.stringify(node));
    } else {
      const { children, ...own } = node;
      feed.add(JSON.stringify(own));
      feedNodes(feed, children);
    }
    feed.add(',');
  }
  feed.add(']');
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult): RecordedWorkflowResult & { readonly results_sha256: string } {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: resultsDigest(results) };
}
