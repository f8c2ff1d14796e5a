import { sha256Hex } from '../../util/index.js';

/** The stable key of an engine decision or model call: sha256 of node id, iteration and input hash. */
export function decisionKey(nodeId: string, iteration: number, input: unknown): string {
  return sha256Hex(`${nodeId}\u0000${iteration}\u0000${sha256Hex(stableJson(input))}`);
}

/** JSON with object keys sorted, so equal inputs hash equally whatever order they were built in. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
