// Types only from ir/: this file runs in the trace writer's thread, whose start-up would
// otherwise load the IR's zod schemas (~175 ms of CPU) before it writes its first row.
import type { MemoUsage } from '../ir/index.js';
import type { RunEvent } from '../engine/contracts/index.js';

/**
 * The shape of an event's row: what the payload holds of the event. A row keeps the event's
 * type, run id and time in its own columns (`type`, `run_id`, `at`), so its payload leaves them
 * out, and a memo usage that is all zeros — what almost every event carries — is stored as `0`,
 * in its place. At 10,000 leaves of four events each this is about a third of the log.
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

/** The payload object of an event's row (see EventRowBody); the event itself is not changed. */
export function eventRowBody(event: RunEvent): EventRowBody {
  switch (event.type) {
    case 'node_finished': {
      const { type: _type, runId: _runId, at: _at, ...body } = event;
      // Assigned in place, so the row keeps the event's key order.
      return isZeroMemo(body.memoUsage) ? { ...body, memoUsage: ZERO_MEMO } : body;
    }
    case 'effect_completed': {
      const { type: _type, runId: _runId, at: _at, ...body } = event;
      return isZeroMemo(body.result.memo_usage) ? { ...body, result: { ...body.result, memo_usage: ZERO_MEMO } } : body;
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

/**
 * The event a row holds: a row of the whole event (written before the lean shape) as it is;
 * a lean row with its envelope from the columns and its zero memo usages restored.
 */
export function eventFromRow(parsed: unknown, columns: EventRowColumns): unknown {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || 'type' in parsed) return parsed;
  const body = parsed as EventRowBody;
  if (columns.type === 'node_finished' && body.memoUsage === ZERO_MEMO) body.memoUsage = zeroMemoUsage();
  if (columns.type === 'effect_completed') {
    const result = body.result as EventRowBody | undefined;
    if (typeof result === 'object' && result !== null && result.memo_usage === ZERO_MEMO) result.memo_usage = zeroMemoUsage();
  }
  return { type: columns.type, runId: columns.runId, at: columns.at, ...body };
}
