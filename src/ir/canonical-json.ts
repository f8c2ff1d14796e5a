import { WorkflowSpecSchema, type WorkflowSpec } from './schema/workflow-spec.js';
import { LeafSpecSchema, type LeafSpec } from './schema/node-spec.js';

/**
 * Canonical JSON: every field in declaration order, CodeWhale's defaults filled, WhaleFlow
 * extensions omitted when unset, compact. Parsing through the schema is what orders the keys,
 * so a spec built in code (any key order) serializes exactly like one loaded from a file.
 */
export function toCanonicalJson(spec: WorkflowSpec): string {
  return JSON.stringify(WorkflowSpecSchema.parse(spec));
}

/** Canonical JSON with indentation, for people. */
export function toCanonicalPrettyJson(spec: WorkflowSpec): string {
  return JSON.stringify(WorkflowSpecSchema.parse(spec), null, 2);
}

/** The canonical form of a leaf, as embedded in the leaf input hash. */
export function canonicalLeaf(leaf: LeafSpec): LeafSpec {
  return LeafSpecSchema.parse(leaf);
}
