import type { NodeResult, WorkflowResult } from '../ir/index.js';
import type { RecordedWorkflowResult } from './contracts/index.js';
import { feedNodes } from './run/results-digest-feed.js';
import { Sha256Feed } from './run/sha256-feed.js';

/**
 * SHA-256 of the node tree, fed node by node (each node's JSON without its children, then its
 * children between brackets) rather than of one JSON text: the tree of a 100,000-leaf run would
 * be a string of tens of megabytes at the very end of the run, when memory peaks. Equal trees
 * (the engine builds them with the same key order) give equal digests.
 */
export function resultsDigest(results: readonly NodeResult[]): string {
  const feed = new Sha256Feed();
  for (const step of feedNodes(feed, results)) void step;
  return feed.digest();
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult, digest?: string): RecordedWorkflowResult & { readonly results_sha256: string } {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: digest ?? resultsDigest(results) };
}
