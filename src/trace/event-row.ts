// Types only from ir/: this file runs in the trace writer's thread, whose start-up would
// otherwise load the IR's zod schemas (~175 ms of CPU) before it writes its first row.
import type { MemoUsage } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import { isOutputReference, OUTPUT_REFERENCE_KEY, type OutputReference } from './output-reference.js';
import { CorruptTraceError } from './trace-errors.js';

/**
 * The shape of an event's row: what the payload holds of the event. A row keeps the event's
 * type, run id and time in its own columns (`type`, `run_id`, `at`), so its payload leaves them
 * out, and a memo usage that is all zeros — what almost every event carries — is stored as `0`,
 * in its place. At 10,000 leaves of four events each this is about a third of the log.
 *
 * A node_finished whose output its node's last effect_completed already holds may store a
 * reference to that row instead (output-reference.ts; schema 4).
 *
 * Rows written before this shape keep the whole event (with its `type`); a payload with a
 * `type` is such a row and is read as it is, so every older trace reads back unchanged.
 */
export type EventRowBody = Record<string, unknown>;

/** The stand-in for an all-zero memo usage: no MemoUsage is ever a number. */
const ZERO_MEMO = 0;

const MEMO_FIELDS = 5;

function isZeroMemo(value: MemoUsage | undefined): boolean {
  if (value === undefined || value === null) return false;
  return (
    value.armh_hits === 0 &&
    value.armh_misses === 0 &&
    value.armh_saved_estimated_tokens === 0 &&
    value.provider_prompt_cache_hits === 0 &&
    value.provider_prompt_cache_misses === 0 &&
    Object.keys(value).length === MEMO_FIELDS
  );
}

/** The all-zero MemoUsage a `0` stands for: ir's emptyMemoUsage, which this thread must not load (see the imports). */
function zeroMemoUsage(): MemoUsage {
  return { armh_hits: 0, armh_misses: 0, armh_saved_estimated_tokens: 0, provider_prompt_cache_hits: 0, provider_prompt_cache_misses: 0 };
}

/**
 * The payload object of an event's row (see EventRowBody); the event itself is not changed.
 * `outputReference`: what a node_finished stores in place of its output (output-reference.ts).
 */
export function eventRowBody(event: RunEvent, outputReference?: OutputReference): EventRowBody {
  switch (event.type) {
    case 'node_finished': {
      const { type: _type, runId: _runId, at: _at, ...rest } = event;
      // `rest` is this function's own copy: assigned in place, the row keeps the event's key order.
      const body: EventRowBody = rest;
      if (outputReference) body.output = outputReference;
      if (isZeroMemo(rest.memoUsage)) body.memoUsage = ZERO_MEMO;
      return body;
    }
    case 'effect_completed': {
      const { type: _type, runId: _runId, at: _at, ...rest } = event;
      const body: EventRowBody = rest;
      // The result is the engine's object: copied, never changed.
      if (isZeroMemo(rest.result.memo_usage)) body.result = { ...rest.result, memo_usage: ZERO_MEMO };
      return body;
    }
    default: {
      const { type: _type, runId: _runId, at: _at, ...body } = event;
      return body;
    }
  }
}

/** The row columns an event's envelope is restored from. */
export interface EventRowColumns {
  readonly type: string;
  readonly runId: string;
  readonly at: number;
}

/** The output a node_finished's reference stands for (the store reads the row it names). */
export type ReferencedOutput = (reference: OutputReference, nodeId: unknown) => string | null;

/**
 * The event a row holds: a row of the whole event (written before the lean shape) as it is;
 * a lean row with its envelope from the columns, its zero memo usages and a referenced output
 * restored (`referencedOutput` reads it; a store that never writes references passes none).
 */
export function eventFromRow(parsed: unknown, columns: EventRowColumns, referencedOutput?: ReferencedOutput): unknown {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'type' in parsed) return parsed;
  const body = parsed as EventRowBody;
  if (columns.type === 'node_finished') {
    if (body.memoUsage === ZERO_MEMO) body.memoUsage = zeroMemoUsage();
    if (isOutputReference(body.output)) body.output = resolveReference(body.output, body.nodeId, referencedOutput);
  }
  if (columns.type === 'effect_completed') {
    const result = body.result as EventRowBody | undefined;
    if (typeof result === 'object' && result !== null && result.memo_usage === ZERO_MEMO) result.memo_usage = zeroMemoUsage();
  }
  return { type: columns.type, runId: columns.runId, at: columns.at, ...body };
}

function resolveReference(reference: OutputReference, nodeId: unknown, referencedOutput: ReferencedOutput | undefined): string | null {
  if (!referencedOutput) throw new CorruptTraceError(`node_finished of ${String(nodeId)} refers to the output of row ${reference[OUTPUT_REFERENCE_KEY]}, which this store cannot read`);
  return referencedOutput(reference, nodeId);
}
