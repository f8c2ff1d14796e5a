import type { NodeResult, WorkflowResult } from '../ir/index.js';
import type { RecordedWorkflowResult } from './contracts/index.js';
import type { ResultJsonTexts } from './result-json-texts.js';
import { RESULT_JSON_BATCH, type PreparedResultJson } from './run/prepared-result-json.js';
import { Sha256Feed } from './run/sha256-feed.js';

/**
 * SHA-256 of the node tree, fed node by node (each node's JSON without its children, then its
 * children between brackets) rather than of one JSON text: the tree of a 100,000-leaf run would
 * be a string of tens of megabytes at the very end of the run, when memory peaks. Equal trees
 * (the engine builds them with the same key order) give equal digests.
 */
export function resultsDigest(results: readonly NodeResult[], keep?: ResultJsonTexts, prepared?: PreparedResultJson): string {
  const feed = new Sha256Feed();
  feedNodes(feed, results, keep, prepared);
  return feed.digest();
}

function feedNodes(feed: Sha256Feed, nodes: readonly NodeResult[], keep: ResultJsonTexts | undefined, prepared: PreparedResultJson | undefined): void {
  feed.add('[');
  let childless = 0; // where the current run of childless nodes starts
  for (let position = 0; position < nodes.length; position += 1) {
    const node = nodes[position]!;
    if (node.children === undefined) continue;
    feedChildless(feed, nodes, childless, position, undefined, prepared);
    const { children, ...own } = node;
    feed.add(JSON.stringify(own));
    feedNodes(feed, children, keep, prepared);
    feed.add(',');
    childless = position + 1;
  }
  // A list of childless nodes only (a fan-out's leaves): its JSON may be kept for the print.
  feedChildless(feed, nodes, childless, nodes.length, childless === 0 && keep?.wants(nodes) ? keep : undefined, prepared);
  feed.add(']');
}

/**
 * Each node of nodes[from, to) — none has children, so its JSON is that of the node — followed by
 * a comma, stringified RESULT_JSON_BATCH at a time (one native call per batch instead of one per
 * leaf) unless the batch was prepared while the run waited. JSON.stringify of a batch is
 * `[a,b,…]`: without its brackets, the same text as the nodes' own JSON joined by commas.
 */
function feedChildless(feed: Sha256Feed, nodes: readonly NodeResult[], from: number, to: number, keep?: ResultJsonTexts, prepared?: PreparedResultJson): void {
  for (let start = from; start < to; start += RESULT_JSON_BATCH) {
    const end = Math.min(to, start + RESULT_JSON_BATCH);
    const json = prepared?.jsonOf(nodes, start, end) ?? JSON.stringify(nodes.slice(start, end)).slice(1, -1);
    feed.add(json);
    feed.add(',');
    keep?.keep(nodes, json);
  }
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult, keep?: ResultJsonTexts, prepared?: PreparedResultJson): RecordedWorkflowResult & { readonly results_sha256: string } {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: resultsDigest(results, keep, prepared) };
}
