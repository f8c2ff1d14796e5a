import type { RunEvent } from '../engine/contracts/index.js';

/**
 * Every event type and its number in a batch's `types` column (SerializedBatch): a batch names
 * each event's type by a byte, and holds times in a Float64Array and its run id once, because
 * `postMessage` cloned the same columns as arrays of strings and numbers 2-3x slower (a 10,000-leaf
 * run's 22 batches, min of 21: 15.7 against 5.7 ms; docs/performance.md). Checked against the
 * RunEvent union at compile time; only both ends of one build read these numbers (never stored).
 */
const EVENT_TYPE_CODES: Readonly<Record<RunEvent['type'], number>> = {
  run_started: 0,
  node_started: 1,
  node_finished: 2,
  effect_requested: 3,
  effect_completed: 4,
  decision: 5,
  activity: 6,
  leaf_stopped: 7,
  leaf_placed: 8,
  heartbeat: 9,
  cancel_requested: 10,
  run_finished: 11,
};

const TYPES_BY_CODE: readonly RunEvent['type'][] = (Object.keys(EVENT_TYPE_CODES) as RunEvent['type'][]).sort((one, other) => EVENT_TYPE_CODES[one] - EVENT_TYPE_CODES[other]);

export function eventTypeCode(type: RunEvent['type']): number {
  return EVENT_TYPE_CODES[type];
}

export function eventTypeOfCode(code: number): RunEvent['type'] {
  const type = TYPES_BY_CODE[code];
  if (type === undefined) throw new Error(`no event type has the batch code ${code}`);
  return type;
}

/** Whether `type` is one of the RunEvent union's (a row read back may say anything). */
export function isEventType(type: string): type is RunEvent['type'] {
  return Object.hasOwn(EVENT_TYPE_CODES, type);
}

/** The run id column: one string while every event is of one run (the common batch), else one per event. */
export class RunIdColumn {
  private only: string | undefined;
  private each: string[] | undefined;
  private count = 0;

  add(runId: string): void {
    if (this.each) this.each.push(runId);
    else if (this.count === 0 || runId === this.only) this.only = runId;
    else this.each = [...Array<string>(this.count).fill(this.only!), runId];
    this.count += 1;
  }

  /** The column so far; it starts empty again. */
  take(): string | readonly string[] {
    const column = this.each ?? this.only ?? '';
    this.only = undefined;
    this.each = undefined;
    this.count = 0;
    return column;
  }
}

/** The run id of event `index` of a column RunIdColumn made. */
export function runIdAt(column: string | readonly string[], index: number): string {
  return typeof column === 'string' ? column : column[index]!;
}
