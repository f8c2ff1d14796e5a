import type { RunEvent } from '../engine/contracts/index.js';

/**
 * A stretch of a run's log that is another run's rows (schema 5). A pure replay emits the
 * recorded run's node and effect events again, equal but for their timing and the effects'
 * source; instead of writing them a second time, its log refers to the recorded rows
 * (referencing-replay-sink.ts). Every reader of the store gets the events it got before: the
 * store reads a reference as the source's rows, renumbered into the referring run's log and
 * made the referring run's (asReferringEvent).
 *
 * A reference takes `count` sequence numbers of its run's log, from `seq` on; sequence number
 * `seq + i` reads as the source run's row `sourceSeq + i`. Only rows of REFERENCED_TYPES are
 * ever referred to, and a stretch holds no other row, so the numbering stays one to one.
 */
export interface RunReference {
  readonly seq: number;
  readonly count: number;
  readonly sourceRunId: string;
  readonly sourceSeq: number;
  /** The time the replay emitted the first event of the stretch: every event of it reads with it. */
  readonly at: number;
}

/** The events a replay emits exactly as the recording did (see asReferringEvent for what differs). */
export const REFERENCED_TYPES: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>(['node_started', 'node_finished', 'effect_requested', 'effect_completed', 'decision']);

/** A run_references row. */
export interface RunReferenceRow {
  readonly seq: number;
  readonly count: number;
  readonly source_run_id: string;
  readonly source_seq: number;
  readonly at: number;
}

export function referenceFromRow(row: RunReferenceRow): RunReference {
  return { seq: row.seq, count: row.count, sourceRunId: row.source_run_id, sourceSeq: row.source_seq, at: row.at };
}

/** The sequence number in the referring run's log of the source's row `sourceSeq`. */
export function referringSeq(reference: RunReference, sourceSeq: number): number {
  return reference.seq + (sourceSeq - reference.sourceSeq);
}

type Mutable<T> = { -readonly [Field in keyof T]: T[Field] };

/**
 * A source's event (freshly decoded, so changed in place) as the referring run's: its run id,
 * the stretch's time, and an effect served from the trace at once (source `trace`, 0 ms), which
 * is what a pure replay records of every effect it serves.
 */
export function asReferringEvent(event: RunEvent, runId: string, at: number): RunEvent {
  const mutable = event as Mutable<RunEvent>;
  mutable.runId = runId;
  mutable.at = at;
  if (event.type === 'effect_completed') {
    const effect = event as Mutable<Extract<RunEvent, { type: 'effect_completed' }>>;
    effect.source = 'trace';
    effect.durationMs = 0;
  }
  return event;
}
