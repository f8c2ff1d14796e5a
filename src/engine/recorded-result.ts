import type { NodeResult, WorkflowResult } from '../ir/index.js';
import { sha256Hex } from '../util/index.js';
import type { RecordedWorkflowResult } from './contracts/index.js';

/** SHA-256 of the node tree's JSON; the engine builds equal trees with equal key order, so equal trees hash equally. */
export function resultsDigest(results: readonly NodeResult[]): string {
  return sha256Hex(JSON.stringify(results));
}

/** What run_finished records of a result: everything but the node tree, which is named by its digest. */
export function toRecordedResult(result: WorkflowResult): RecordedWorkflowResult {
  const { results, ...runLevel } = result;
  return { ...runLevel, results_sha256: resultsDigest(results) };
}
