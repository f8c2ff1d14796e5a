import { sha256Hex } from '../util/index.js';
import { toCanonicalJson } from './canonical-json.js';
import type { LeafSpec } from './schema/node-spec.js';
import type { WorkflowSpec } from './schema/workflow-spec.js';

/** SHA-256 of the spec's canonical JSON: identifies "the same workflow". */
export function specHash(spec: WorkflowSpec): string {
  return sha256Hex(toCanonicalJson(spec));
}

/** Outputs of a leaf's dependencies: a string, or null when a dependency has no output. */
export type ResolvedInputs = Readonly<Record<string, string | null | undefined>>;

/**
 * CodeWhale's leaf input hash, the replay key of a leaf: SHA-256 of
 * `{"workflow_id","workflow_goal","leaf","resolved_inputs"}` with one sorted entry per
 * dependency. `leaf` must be in canonical field order, which every parsed spec is.
 */
export function leafInputHash(
  workflow: Pick<WorkflowSpec, 'id' | 'goal'>,
  leaf: LeafSpec,
  resolvedInputs: ResolvedInputs = {},
): string {
  return sha256Hex(leafInputHashDocument(workflow, leaf, resolvedInputs));
}

/** The exact bytes that `leafInputHash` hashes; exposed for debugging a mismatch. */
export function leafInputHashDocument(
  workflow: Pick<WorkflowSpec, 'id' | 'goal'>,
  leaf: LeafSpec,
  resolvedInputs: ResolvedInputs,
): string {
  return leafInputHashDocumentOf(leafInputHashPrefix(workflow), JSON.stringify(leaf), leaf, resolvedInputs);
}

/**
 * The part of every leaf's hashed document that only the workflow decides (`{"workflow_id":…,
 * "workflow_goal":…,"leaf":`): a run computes it once instead of once per leaf.
 */
export function leafInputHashPrefix(workflow: Pick<WorkflowSpec, 'id' | 'goal'>): string {
  return `{"workflow_id":${JSON.stringify(workflow.id)},"workflow_goal":${JSON.stringify(workflow.goal)},"leaf":`;
}

/**
 * `leafInputHash` from its parts: the workflow's prefix and the leaf's JSON text (exactly
 * `JSON.stringify(leaf)`), for a caller that already has them, e.g. from serializing the spec.
 */
export function leafInputHashOf(prefix: string, leafJson: string, leaf: LeafSpec, resolvedInputs: ResolvedInputs): string {
  return sha256Hex(leafInputHashDocumentOf(prefix, leafJson, leaf, resolvedInputs));
}

function leafInputHashDocumentOf(prefix: string, leafJson: string, leaf: LeafSpec, resolvedInputs: ResolvedInputs): string {
  // Written by hand: a JS object would move integer-like ids ("1", "2") ahead of the others.
  // Most leaves of a wide run depend on nothing: no set, sort or list for them.
  const resolved =
    leaf.depends_on_results.length === 0
      ? ''
      : [...new Set(leaf.depends_on_results)]
          .sort(compareUtf8Bytes)
          .map((id) => `${JSON.stringify(id)}:${JSON.stringify(resolvedInputs[id] ?? null)}`)
          .join(',');
  return `${prefix}${leafJson},"resolved_inputs":{${resolved}}}`;
}

/** CodeWhale keeps resolved inputs in a BTreeMap<String, _>, which orders keys by UTF-8 bytes. */
function compareUtf8Bytes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}
