import { describeDifference } from './describe-difference.js';
import type { NodeResult, WorkflowResult } from '../ir/index.js';

/** Replay's verdict: identical, or the first place where the trees differ. */
export interface ParityVerdict {
  readonly identical: boolean;
  /** Path of node ids to the first difference, e.g. `fan/leaf-3`, or `run` for run-level fields. */
  readonly divergedAt?: string;
  readonly detail?: string;
}

const NODE_FIELDS = ['id', 'kind', 'status', 'output', 'input_hash', 'error', 'usage', 'memo_usage', 'details'] as const;

export interface CompareOptions {
  /**
   * Input hashes the replay computed (keys) for effects it was served by their redacted input,
   * mapped to the recorded hashes: the same input, but for a secret the trace never stored.
   */
  readonly redactedKeys?: ReadonlyMap<string, string>;
}

/**
 * Compares a replayed result tree with the recorded one, ignoring only the run id. Children
 * are compared in declaration order, depth first; the first difference wins.
 */
export function compareResults(recorded: WorkflowResult, replayed: WorkflowResult, options: CompareOptions = {}): ParityVerdict {
  replayed = withRecordedKeys(replayed, options);
  // Fast path: both trees come from the same engine code, so equal trees serialize equally.
  // Only a difference pays for the key-sorted, node-by-node search below.
  if (JSON.stringify({ ...recorded, run_id: '' }) === JSON.stringify({ ...replayed, run_id: '' })) return { identical: true };
  // Identity first, then the nodes (a node-level difference is the useful one), then totals.
  for (const field of ['workflow_id', 'spec_hash'] as const) {
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference) return { identical: false, divergedAt: 'run', detail: difference };
  }
  const nodes = compareLists(recorded.results, replayed.results, '');
  if (nodes) return nodes;
  for (const field of ['status', 'usage', 'memo_usage'] as const) {
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference) return { identical: false, divergedAt: 'run', detail: difference };
  }
  return { identical: true };
}

/** The result with every input hash the replay computed from a redacted input put back to the recorded one. */
export function withRecordedKeys(result: WorkflowResult, { redactedKeys: keys }: CompareOptions): WorkflowResult {
  if (!keys?.size) return result;
  const restore = (node: NodeResult): NodeResult => ({
    ...node,
    ...(node.input_hash !== null && node.input_hash !== undefined && keys.has(node.input_hash) ? { input_hash: keys.get(node.input_hash)! } : {}),
    ...(node.children ? { children: node.children.map(restore) } : {}),
  });
  return { ...result, results: result.results.map(restore) };
}

/** Field order never counts as a difference; a difference is shown where it is (describeDifference). */
function compareField(field: string, recorded: unknown, replayed: unknown): string | undefined {
  return describeDifference(field, recorded ?? null, replayed ?? null);
}

function compareLists(recorded: readonly NodeResult[], replayed: readonly NodeResult[], path: string): ParityVerdict | undefined {
  const count = Math.max(recorded.length, replayed.length);
  for (let index = 0; index < count; index++) {
    const left = recorded[index];
    const right = replayed[index];
    const here = `${path}${path ? '/' : ''}${left?.id ?? right?.id ?? `#${index}`}`;
    if (!left) return { identical: false, divergedAt: here, detail: `the replay has an extra node "${right!.id}"` };
    if (!right) return { identical: false, divergedAt: here, detail: `the replay lacks node "${left.id}"` };
    const verdict = compareNodes(left, right, here);
    if (verdict) return verdict;
  }
  return undefined;
}

function compareNodes(recorded: NodeResult, replayed: NodeResult, path: string): ParityVerdict | undefined {
  for (const field of NODE_FIELDS) {
    // Children first would point at a leaf; but a node's own id/kind/status must match to compare inside it.
    if (field === 'usage' || field === 'memo_usage' || field === 'details') continue;
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference && (field === 'id' || field === 'kind')) return { identical: false, divergedAt: path, detail: difference };
  }
  const inside = compareLists(recorded.children ?? [], replayed.children ?? [], path);
  if (inside) return inside;
  for (const field of NODE_FIELDS) {
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference) return { identical: false, divergedAt: path, detail: difference };
  }
  return undefined;
}
