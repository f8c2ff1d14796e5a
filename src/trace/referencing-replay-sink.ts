import type { RunEvent, RunEventSink } from '../engine/contracts/index.js';
import type { RecordedEffects } from './recorded-effects.js';
import { RecordedRowMatcher, type RecordedRows } from './recorded-rows.js';
import { failedRunMarker } from './recording-failure.js';
import { asReferringEvent, REFERENCED_TYPES, type RunReference } from './run-references.js';
import type { StoredEvent } from './trace-store.js';

/** What the sink needs of the store: where references go, and the recorded rows it copies should the replay part from them. */
export interface ReferenceStore {
  appendReference(runId: string, reference: Omit<RunReference, 'seq'>): void;
  events(runId: string, fromSeq?: number): readonly StoredEvent[];
}

/** The replay's own rows: a sink on the same store whose waiting events `flush()` writes at once (a TraceSink). */
export interface FlushingSink extends RunEventSink {
  flush(): void;
}

/** What a replay by reference compares its events with: the recorded run's effects, and its rows. */
export interface RecordedSource {
  readonly runId: string;
  readonly effects: RecordedEffects;
  readonly rows: RecordedRows;
}

export interface ReferencingReplaySinkOptions {
  readonly store: ReferenceStore;
  /** Where the replay's own rows go (run_started, heartbeats, run_finished), on the same store. */
  readonly sink: FlushingSink;
  /** The run being replayed: its effects and rows, as readRecordedRun noted them (with `noteRows`). */
  readonly source: RecordedSource;
  /**
   * Where the replay's events go from the first one that is no recorded event on (default:
   * `sink`): a writer thread, for a wide run. Asked for once, when that happens.
   */
  readonly divergedSink?: () => RunEventSink;
  /** A reference could not be written (the recording then stops, as a sink's failed write). */
  readonly onError?: (error: unknown) => void;
}

/** A stretch of recorded rows claimed in order: `count` rows from the row at `index` (sequence number `sourceSeq`). */
interface OpenStretch {
  readonly runId: string;
  readonly sourceSeq: number;
  count: number;
  readonly at: number;
}

/**
 * Records a pure replay by reference (run-references.ts). Each node, effect or decision event the
 * replay emits is looked up among the recorded run's rows (RecordedRowMatcher) and, when it is
 * one of them, nothing is written: the recorded rows, taken in their order, are covered by
 * references as far as every one of them has been emitted, skipping none (a recorded row of a kind
 * a replay does not emit, an activity or a heartbeat, ends a stretch). So the replay's log lists
 * its node and effect events in the recorded order, which is an order they happened in, rather than
 * in the order the replay, served at once, emitted them.
 *
 * The replay's own events (run_started, heartbeats, a cancel it applies, run_finished) are rows of
 * its own, after the stretch covered so far. From the first event that is no recorded row (another
 * key, an output the trace redacted, a live effect), the events emitted but not yet covered are
 * copied from the recording as rows, and everything after is written as a replay always was: the
 * log never holds an event the replay did not emit, nor misses one it did.
 *
 * Stretches are written when one of the replay's own rows comes (a heartbeat: every ~1.5 s), at a
 * divergence and at the end, so a replay killed outright loses up to that much of its record,
 * where a run loses at most one batch: a pure replay runs nothing and can simply be run again.
 */
export class ReferencingReplaySink implements RunEventSink {
  private readonly matcher: RecordedRowMatcher;
  /** Rows before this index are covered by references (or skipped: not of a referenced type). */
  private covered = 0;
  private stretch: OpenStretch | undefined;
  private diverged: RunEventSink | undefined;
  private failed = false;
  /** The replay's run id (from its events). */
  private runId = '';
  /** Events recorded by reference so far. */
  referenced = 0;

  constructor(private readonly options: ReferencingReplaySinkOptions) {
    this.matcher = new RecordedRowMatcher(options.source.rows, options.source.effects);
  }

  emit(event: RunEvent): void {
    if (this.failed) {
      if (event.type === 'run_finished') this.options.sink.emit(failedRunMarker(event));
      return;
    }
    if (this.diverged) return this.diverged.emit(event);
    this.runId = event.runId;
    if (REFERENCED_TYPES.has(event.type) && this.matcher.claim(event) !== undefined) {
      this.referenced += 1;
      this.cover(event);
      return;
    }
    if (REFERENCED_TYPES.has(event.type)) return this.diverge(event);
    this.closeStretch();
    if (event.type === 'run_finished') this.copyUncovered(event.at);
    if (!this.failed) this.options.sink.emit(event);
  }

  /** Writes the open stretch and the replay's own rows waiting; called at the end, before the sinks close. */
  flush(): void {
    if (this.failed || this.diverged) return;
    this.closeStretch();
  }

  /** Extends the covered rows as far as every referenced row has been claimed. */
  private cover(event: RunEvent): void {
    const { rows } = this.matcher;
    while (this.covered < rows.length) {
      const index = this.covered;
      if (!REFERENCED_TYPES.has(rows.types[index]!)) this.closeStretch();
      else if (this.matcher.claimed[index] === 0) return;
      else this.extend(event, rows.seqs[index]!);
      this.covered += 1;
    }
  }

  private extend(event: RunEvent, seq: number): void {
    if (this.stretch && this.stretch.sourceSeq + this.stretch.count === seq) this.stretch.count += 1;
    else {
      this.closeStretch();
      this.stretch = { runId: event.runId, sourceSeq: seq, count: 1, at: event.at };
    }
  }

  private closeStretch(): void {
    const stretch = this.stretch;
    if (!stretch || this.failed) return;
    this.stretch = undefined;
    try {
      // The replay's own rows so far come first: the reference takes the sequence numbers after them.
      this.options.sink.flush();
      this.options.store.appendReference(stretch.runId, { count: stretch.count, sourceRunId: this.options.source.runId, sourceSeq: stretch.sourceSeq, at: stretch.at });
    } catch (error) {
      // Without the stretch the log would have a hole: nothing more is recorded but the run's end, marked failed.
      this.failed = true;
      this.options.onError?.(error);
    }
  }

  /** An event that is no recorded row: what was emitted before it is written out, then it and the rest go as rows. */
  private diverge(event: RunEvent): void {
    this.closeStretch();
    this.copyUncovered(event.at);
    if (this.failed) return;
    // Everything so far is in the database before another writer (a thread) takes the run on.
    this.options.sink.flush();
    this.diverged = this.options.divergedSink?.() ?? this.options.sink;
    this.diverged.emit(event);
  }

  /**
   * The events claimed beyond the covered rows (emitted, but a row before them never was), copied
   * from the recording as the replay's own rows: they are the replay's events, equal to those rows.
   */
  private copyUncovered(at: number): void {
    const { rows, claimed } = this.matcher;
    const first = claimed.indexOf(1, this.covered);
    if (first < 0 || this.failed) return;
    const wanted = new Set<number>();
    for (let index = first; index < rows.length; index += 1) if (claimed[index] === 1) wanted.add(rows.seqs[index]!);
    for (const stored of this.options.store.events(this.options.source.runId, rows.seqs[first]!)) {
      if (wanted.has(stored.seq)) this.options.sink.emit(asReferringEvent(stored.event, this.runId, at));
    }
    this.covered = rows.length;
  }
}
