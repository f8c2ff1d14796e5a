import {
  addMemoUsage,
  addUsage,
  emptyMemoUsage,
  emptyUsage,
  type MemoUsage,
  type NodeResult,
  type NodeSpec,
  type RunStatus,
  type Usage,
  worseStatus,
} from '../../ir/index.js';
import { describeError } from '../../util/index.js';
import type { CancelReason } from '../contracts/index.js';
import { describeCancel, statusForCancel } from '../run/cancel-scope.js';

export interface ResultFields {
  readonly output?: string | null;
  readonly usage?: Usage;
  readonly memoUsage?: MemoUsage;
  readonly error?: string;
  readonly inputHash?: string;
  readonly children?: readonly NodeResult[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export function nodeResult(node: NodeSpec, status: RunStatus, fields: ResultFields = {}): NodeResult {
  // Assigned one by one (not spread) because this runs once per node on the hot path.
  // A leaf's input_hash is in its literal: added afterwards, every leaf's result grew an out-of-object property store.
  const id = node.spec.id;
  const output = fields.output ?? null;
  const usage = fields.usage ?? emptyUsage();
  const memoUsage = fields.memoUsage ?? emptyMemoUsage();
  const result: { -readonly [K in keyof NodeResult]: NodeResult[K] } =
    fields.inputHash === undefined
      ? { id, kind: node.kind, status, output, usage, memo_usage: memoUsage }
      : { id, kind: node.kind, status, output, usage, memo_usage: memoUsage, input_hash: fields.inputHash };
  if (fields.error !== undefined) result.error = fields.error;
  if (fields.children !== undefined) result.children = fields.children;
  if (fields.details !== undefined) result.details = fields.details;
  return result;
}

/** A node stopped by a cancel or an exhausted budget, keeping whatever it had already spent. */
export function cancelledResult(node: NodeSpec, reason: CancelReason, fields: ResultFields = {}): NodeResult {
  return nodeResult(node, statusForCancel(reason), {
    ...fields,
    error: fields.error ?? describeCancel(reason),
    details: { ...fields.details, cancel_reason: reason },
  });
}

export function failedResult(node: NodeSpec, error: string, fields: ResultFields = {}): NodeResult {
  return nodeResult(node, 'failed', { ...fields, error });
}

/**
 * The status a result contributes to its container. A tournament loser was cancelled on
 * purpose — speculative work that lost — so it does not make its container look cancelled.
 */
export function contributedStatus(result: NodeResult): RunStatus {
  const reason = result.details?.cancel_reason as CancelReason | undefined;
  return reason?.type === 'tournament_loser' ? 'succeeded' : result.status;
}

export function sumUsage(results: readonly NodeResult[]): { usage: Usage; memoUsage: MemoUsage } {
  const { usage, memoUsage } = foldResults(results, false);
  return { usage, memoUsage };
}

/**
 * Usage and memo usage summed over `results`, and (with `withStatus`) the worst status they
 * contribute: one pass, once per container, in code that runs cold at the end of a fan-out. A
 * run's leaves mostly share one empty memo-usage record, checked field by field only once.
 */
function foldResults(results: readonly NodeResult[], withStatus: boolean): { usage: Usage; memoUsage: MemoUsage; status: RunStatus } {
  const usage = { input_tokens: 0, output_tokens: 0, cost_microusd: 0 as number | null };
  let memoUsage = emptyMemoUsage();
  let status: RunStatus = 'succeeded';
  let knownEmpty: MemoUsage | undefined;
  for (const result of results) {
    if (withStatus) status = worseStatus(status, contributedStatus(result));
    usage.input_tokens += result.usage.input_tokens;
    usage.output_tokens += result.usage.output_tokens;
    usage.cost_microusd = usage.cost_microusd === null || result.usage.cost_microusd === null ? null : usage.cost_microusd + result.usage.cost_microusd;
    const memo = result.memo_usage;
    if (memo === knownEmpty) continue;
    if (isEmptyMemoUsage(memo)) knownEmpty = memo;
    else memoUsage = addMemoUsage(memoUsage, memo);
  }
  return { usage, memoUsage, status };
}

function isEmptyMemoUsage(memo: MemoUsage): boolean {
  return memo.armh_hits === 0 && memo.armh_misses === 0 && memo.armh_saved_estimated_tokens === 0 && memo.provider_prompt_cache_hits === 0 && memo.provider_prompt_cache_misses === 0 && !memo.armh_saved_cost_microusd;
}

/**
 * A container's result: its status aggregates every child (each already aggregating its own
 * descendants) plus the container's own outcome, its usage sums theirs plus its own calls.
 */
export function containerResult(
  node: NodeSpec,
  children: readonly NodeResult[],
  own: { status?: RunStatus; usage?: Usage; memoUsage?: MemoUsage; output?: string | null; error?: string; details?: Readonly<Record<string, unknown>> } = {},
): NodeResult {
  // Folded child by child, with the usage: a branch of 10,000 leaves made a list of their statuses first.
  const total = foldResults(children, true);
  const status = own.status ? worseStatus(total.status, own.status) : total.status;
  const usage = own.usage ? addUsage(total.usage, own.usage) : total.usage;
  const memoUsage = own.memoUsage ? addMemoUsage(total.memoUsage, own.memoUsage) : total.memoUsage;
  const firstError = own.error ?? (status === 'succeeded' ? undefined : children.find((child) => child.error !== undefined && contributedStatus(child) !== 'succeeded')?.error);
  return nodeResult(node, status, {
    output: own.output ?? null,
    usage,
    memoUsage,
    children,
    ...(firstError !== undefined ? { error: firstError } : {}),
    ...(own.details !== undefined ? { details: own.details } : {}),
  });
}

export function errorMessage(error: unknown): string {
  return describeError(error);
}
