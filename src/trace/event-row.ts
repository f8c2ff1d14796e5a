// Types only from ir/: this file runs in the trace writer's thread, whose start-up would
// otherwise load the IR's zod schemas (~175 ms of CPU) before it writes its first row.
import type { MemoUsage } from '../ir/index.js';
import type { EffectResult, RunEvent } from '../engine/contracts/index.js';
import { isOutputReference, OUTPUT_REFERENCE_KEY, type OutputReference } from './output-reference.js';
import { CorruptTraceError } from './trace-errors.js';

/**
 * The shape of an event's row: what the payload holds of the event. A row keeps the event's
 * type, run id and time in its own columns (`type`, `run_id`, `at`), so its payload leaves them
 * out, and a memo usage that is all zeros — what almost every event carries — is stored as `0`,
 * in its place. At 10,000 leaves of four events each this is about a third of the log.
 *
 * A node_finished whose output its node's last effect_completed already holds may store a
 * reference to that row instead (output-reference.ts; schema 4), and then, when its usage and memo
 * usage are that effect result's too, leaves them out: the read takes them from that row (schema
 * 6). node_started and node_finished leave out their node id, which the row's node_id column
 * holds (schema 6). What a leaf's two node rows still say is then its kind, parent, iteration,
 * role and status: per leaf ~100 bytes less, and the engine's thread writes a wide fan-out's
 * node rows from a cache (SerializedBatchBuilder) instead of serializing each.
 *
 * Rows written before this shape keep the whole event (with its `type`); a payload with a
 * `type` is such a row and is read as it is, so every older trace reads back unchanged.
 */
export type EventRowBody = Record<string, unknown>;

/** The stand-in for an all-zero memo usage: no MemoUsage is ever a number. */
const ZERO_MEMO = 0;

const MEMO_FIELDS = 5;

export function isZeroMemo(value: MemoUsage | undefined): boolean {
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

/** Whether two flat records (a usage, a memo usage) hold the same values under the same keys, in the same order. */
function sameRecord(left: object | null | undefined, right: object | null | undefined): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || left === null || typeof right !== 'object' || right === null) return false;
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  if (leftKeys.length !== rightKeys.length) return false;
  for (let index = 0; index < leftKeys.length; index += 1) {
    const key = leftKeys[index]!;
    if (key !== rightKeys[index] || (left as Record<string, unknown>)[key] !== (right as Record<string, unknown>)[key]) return false;
  }
  return true;
}

/**
 * Whether a node_finished that refers to its effect's output may leave its usage and memo usage
 * to that effect's row too (schema 6): they are the effect result's, value for value and key for
 * key, so the read restores them exactly.
 */
export function usageOfEffect(event: Extract<RunEvent, { type: 'node_finished' }>, effectResult: EffectResult): boolean {
  return sameRecord(event.usage, effectResult.usage) && sameRecord(event.memoUsage, effectResult.memo_usage);
}

/**
 * The payload object of an event's row (see EventRowBody); the event itself is not changed.
 * `outputReference`: what a node_finished stores in place of its output (output-reference.ts);
 * `effectResult`: the result of the effect it refers to, whose usage it may leave to that row
 * (usageOfEffect).
 */
export function eventRowBody(event: RunEvent, outputReference?: OutputReference, effectResult?: EffectResult): EventRowBody {
  switch (event.type) {
    case 'node_started': {
      // The node id is in the row's node_id column (schema 6).
      const { type: _type, runId: _runId, at: _at, nodeId: _nodeId, ...body } = event;
      return body;
    }
    case 'node_finished': {
      if (outputReference && effectResult && usageOfEffect(event, effectResult)) {
        const { type: _type, runId: _runId, at: _at, nodeId: _nodeId, usage: _usage, memoUsage: _memo, ...lean } = event;
        // `lean` is this function's own copy: assigned in place, the row keeps the event's key order.
        const body: EventRowBody = lean;
        body.output = outputReference;
        return body;
      }
      const { type: _type, runId: _runId, at: _at, nodeId: _nodeId, ...rest } = event;
      const body: EventRowBody = rest;
      if (outputReference) body.output = outputReference;
      if (isZeroMemo(rest.memoUsage)) body.memoUsage = ZERO_MEMO;
      return body;
    }
    default:
      return legacyEventRowBody(event, outputReference);
  }
}

/**
 * The payload object as schema 5 wrote it: node events with their node id, a node_finished with
 * its usage. A replay recording by reference compares an older run's rows with this.
 */
export function legacyEventRowBody(event: RunEvent, outputReference?: OutputReference): EventRowBody {
  switch (event.type) {
    case 'node_finished': {
      const { type: _type, runId: _runId, at: _at, ...rest } = event;
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
  /** The row's node_id column: a node event's node id (schema 6 leaves it out of the payload). */
  readonly nodeId?: string | null;
}

/** What a node_finished reads of the effect_completed row it refers to (output-reference.ts). */
export interface ReferencedEffect {
  readonly output: string | null;
  /** The effect result's usage and memo usage, for a row that leaves its own to that row (schema 6). */
  readonly usage?: unknown;
  readonly memoUsage?: unknown;
}

/** What a node_finished's reference stands for (the store reads the row it names). */
export type ReferencedOutput = (reference: OutputReference, nodeId: unknown) => ReferencedEffect;

/**
 * The event a row holds: a row of the whole event (written before the lean shape) as it is;
 * a lean row with its envelope from the columns, its zero memo usages and a referenced output
 * restored (`referencedOutput` reads it; a store that never writes references passes none), and
 * a schema-6 node row's node id from the node_id column and usage from its effect's row.
 */
export function eventFromRow(parsed: unknown, columns: EventRowColumns, referencedOutput?: ReferencedOutput): unknown {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'type' in parsed) return parsed;
  const body = parsed as EventRowBody;
  if (columns.type === 'node_finished') return nodeFinishedFromRow(body, columns, referencedOutput);
  if (columns.type === 'node_started' && !('nodeId' in body)) return { type: columns.type, runId: columns.runId, at: columns.at, nodeId: columnNodeId(columns), ...body };
  if (columns.type === 'effect_completed') {
    const result = body.result as EventRowBody | undefined;
    if (typeof result === 'object' && result !== null && result.memo_usage === ZERO_MEMO) result.memo_usage = zeroMemoUsage();
  }
  return { type: columns.type, runId: columns.runId, at: columns.at, ...body };
}

function nodeFinishedFromRow(body: EventRowBody, columns: EventRowColumns, referencedOutput: ReferencedOutput | undefined): unknown {
  const hasNodeId = 'nodeId' in body;
  const nodeId = hasNodeId ? body.nodeId : columnNodeId(columns);
  const referenced = isOutputReference(body.output) ? resolveReference(body.output, nodeId, referencedOutput) : undefined;
  if (referenced) body.output = referenced.output;
  if (body.memoUsage === ZERO_MEMO) body.memoUsage = zeroMemoUsage();
  if (hasNodeId && 'usage' in body) return { type: columns.type, runId: columns.runId, at: columns.at, ...body };
  // Schema 6: the node id from its column, first as in the event; a usage left to the effect's row in its place after the output.
  const { nodeId: _nodeId, kind, iteration, status, output, usage, memoUsage, ...rest } = body;
  if (usage === undefined && referenced?.usage === undefined) throw new CorruptTraceError(`node_finished of ${String(nodeId)} has no usage and refers to no effect row that has one`);
  const derived = usage === undefined;
  const memo = derived ? referenced!.memoUsage : memoUsage;
  return { type: columns.type, runId: columns.runId, at: columns.at, nodeId, kind, iteration, status, output, usage: derived ? referenced!.usage : usage, memoUsage: memo === ZERO_MEMO ? zeroMemoUsage() : memo, ...rest };
}

function columnNodeId(columns: EventRowColumns): string {
  if (typeof columns.nodeId !== 'string') throw new CorruptTraceError(`a ${columns.type} row without its node id in the payload has none in its node_id column either`);
  return columns.nodeId;
}

function resolveReference(reference: OutputReference, nodeId: unknown, referencedOutput: ReferencedOutput | undefined): ReferencedEffect {
  if (!referencedOutput) throw new CorruptTraceError(`node_finished of ${String(nodeId)} refers to the output of row ${reference[OUTPUT_REFERENCE_KEY]}, which this store cannot read`);
  return referencedOutput(reference, nodeId);
}
