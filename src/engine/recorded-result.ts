import type { NodeResult, WorkflowResult } from '../ir/index.js';
import type { RecordedWorkflowResult } from './contracts/index.js';
import type { ResultJsonTexts } from './result-json-texts.js';
import { Sha256Feed } from './run/sha256-feed.js';

/**
 * SHA-256 of the node tree, fed node by node (each node's JSON without its children, then its
 * children between brackets) rather than of one JSON text: the tree of a 100,000-leaf run would
 * be a string of tens of megabytes at the very end of the run, when memory peaks. Equal trees
 * (the engine builds them with the same key order) give equal digests.
 */
export function resultsDigest(results: readonly NodeResult[], keep?: ResultJsonTexts): string {
  const feed = new Sha256Feed();
  feedNodes(feed, results, keep);
  return feed.digest();
}

/** Childless results stringified together: one native call per batch instead of one per leaf. */
const BATCH_NODES = 128;

function feedNodes(feed: Sha256Feed, nodes: readonly NodeResult[], keep: ResultJsonTexts | undefined): void {
  feed.add('[');
  let childless = 0; // where the current run of childless nodes starts
  for (let position = 0; position < nodes.length; position += 1) {
    const node = nodes[position]!;
    if (node.children === undefined) continue;
    feedChildless(feed, nodes, childless, position);
    const { children, ...own } = node;
    feed.add(JSON.stringify(own));
    feedNodes(feed, children, keep);
    feed.add(',');
    childless = position + 1;
  }
  // A list of childless nodes only (a fan-out's leaves): its JSON may be kept for the print.
  feedChildless(feed, nodes, childless, nodes.length, childless === 0 && keep?.wants(nodes) ? keep : undefined);
  feed.add(']');
}

/**
 * Each node of nodes[from, to) — none has children, so its JSON is that of the node — followed by
 * a comma. JSON.stringify of a batch is `[a,b,…]`: without its brackets, the same text as the
 * nodes' own JSON joined by commas.
 */
function feedChildless(feed: Sha256Feed, nodes: readonly NodeResult[], from: number, to: number, keep?: ResultJsonTexts): void {
  for (let start = from; start < to; start += BATCH_NODES) {
    const json = JSON.stringify(nodes.slice(start, Math.min(to, start + BATCH_NODES))).slice(1, -1);
    feed.add(json);
    feed.add(',');
    keep?.keep(nodes, json);
  }
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult, keep?: ResultJsonTexts): RecordedWorkflowResult & { readonly results_sha256: string } {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: resultsDigest(results, keep) };
}
