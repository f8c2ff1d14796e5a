import { describeDifference } from './describe-difference.js';
import type { NodeResult, WorkflowResult } from '../ir/index.js';

/** Replay's verdict: identical, or the first place where the trees differ. */
export interface ParityVerdict {
  readonly identical: boolean;
  /** Path of node ids to the first difference, e.g. `fan/leaf-3`, or `run` for run-level fields. */
  readonly divergedAt?: string;
  readonly detail?: string;
  /**
   * Set when the replay ran effects live and their accounting (usage, memo counters) differs from
   * the recording's: a live call may be served by the memo the recording filled, so what it cost is
   * not part of what it produced. Said beside the verdict, never a divergence.
   */
  readonly accounting?: string;
}

/** A node's or a run's cost: what a live call may change without changing what it produced. */
export const ACCOUNTING_FIELDS: ReadonlySet<string> = new Set(['usage', 'memo_usage']);

const NODE_FIELDS = ['id', 'kind', 'status', 'output', 'input_hash', 'error', 'usage', 'memo_usage', 'details'] as const;

export interface CompareOptions {
  /**
   * Input hashes the replay computed (keys) for effects it was served by their redacted input,
   * mapped to the recorded hashes: the same input, but for a secret the trace never stored.
   */
  readonly redactedKeys?: ReadonlyMap<string, string>;
  /** Leave usage and memo counters out of the verdict (a replay with live effects). */
  readonly resultsOnly?: boolean;
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
  const fields = judgedFields(options);
  const nodes = compareLists(recorded.results, replayed.results, '', fields);
  if (nodes) return nodes;
  for (const field of ['status', 'usage', 'memo_usage'] as const) {
    if (!fields.has(field)) continue;
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

/** The fields a verdict judges: all of them, or all but the accounting ones. */
export function judgedFields(options: Pick<CompareOptions, 'resultsOnly'>): ReadonlySet<string> {
  const all = [...NODE_FIELDS, 'status', 'usage', 'memo_usage'];
  return new Set(options.resultsOnly ? all.filter((field) => !ACCOUNTING_FIELDS.has(field)) : all);
}

function compareLists(recorded: readonly NodeResult[], replayed: readonly NodeResult[], path: string, fields: ReadonlySet<string>): ParityVerdict | undefined {
  const count = Math.max(recorded.length, replayed.length);
  for (let index = 0; index < count; index++) {
    const left = recorded[index];
    const right = replayed[index];
    const here = `${path}${path ? '/' : ''}${left?.id ?? right?.id ?? `#${index}`}`;
    if (!left) return { identical: false, divergedAt: here, detail: `the replay has an extra node "${right!.id}"` };
    if (!right) return { identical: false, divergedAt: here, detail: `the replay lacks node "${left.id}"` };
    const verdict = compareNodes(left, right, here, fields);
    if (verdict) return verdict;
  }
  return undefined;
}

function compareNodes(recorded: NodeResult, replayed: NodeResult, path: string, fields: ReadonlySet<string>): ParityVerdict | undefined {
  for (const field of NODE_FIELDS) {
    // Children first would point at a leaf; but a node's own id/kind/status must match to compare inside it.
    if (field === 'usage' || field === 'memo_usage' || field === 'details') continue;
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference && (field === 'id' || field === 'kind')) return { identical: false, divergedAt: path, detail: difference };
  }
  const inside = compareLists(recorded.children ?? [], replayed.children ?? [], path, fields);
  if (inside) return inside;
  for (const field of NODE_FIELDS) {
    if (!fields.has(field)) continue;
    const difference = compareField(field, recorded[field], replayed[field]);
    if (difference) return { identical: false, divergedAt: path, detail: difference };
  }
  return undefined;
}
