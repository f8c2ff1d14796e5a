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
  const hash = createHash('sha256');
  feedNodes(hash, results);
  return hash.digest('hex');
}

function feedNodes(hash: Hash, nodes: readonly NodeResult[]): void {
  hash.update('[');
  for (const node of nodes) {
    const { children, ...own } = node;
    hash.update(JSON.stringify(own));
    if (children) feedNodes(hash, children);
    hash.update(',');
  }
  hash.update(']');
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult): RecordedWorkflowResult {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: resultsDigest(results) };
}
