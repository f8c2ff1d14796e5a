import type { RunEvent, RunEventSink } from '../engine/contracts/index.js';
import { FlushSchedule } from './flush-schedule.js';
import { failedRunMarker } from './recording-failure.js';
import type { TraceStore } from './trace-store.js';

export const DEFAULT_MAX_BATCH_SIZE = 2000;
export const DEFAULT_FLUSH_INTERVAL_MS = 50;

export interface TraceSinkOptions {
  /** Flush when this many events are waiting; default 2000. */
  readonly maxBatchSize?: number;
  /** Flush at most this long after the first waiting event; default 50 ms. */
  readonly flushIntervalMs?: number;
  /** Called when a write fails (the sink itself must not throw into the engine). */
  readonly onError?: (error: unknown) => void;
  /**
   * Hears each batch once it is committed, in order: observers that report to the user
   * (progress lines) sit here, so nothing is shown as done that the trace does not hold.
   */
  readonly onCommitted?: (batch: readonly RunEvent[]) => void;
}

/** What reached the database so far: enough to tell the user what a failed recording kept. */
export class CommittedEvents {
  private count = 0;
  private started = false;

  add(batch: readonly RunEvent[]): void {
    this.addCount(batch.length, batch.some((event) => event.type === 'run_started'));
  }

  /** A batch committed, by its size and whether it held run_started (for a sink that keeps no events). */
  addCount(count: number, startsRun: boolean): void {
    this.count += count;
    this.started ||= startsRun;
  }

  /** Events committed. */
  get total(): number {
    return this.count;
  }

  /** Whether the run's run_started is in the database (without it the run cannot be found, let alone resumed). */
  get startRecorded(): boolean {
    return this.started;
  }
}

/**
 * A RunEventSink that writes to a TraceStore in batches, one transaction per batch.
 *
 * Durability: an effect_completed schedules a flush for the end of the current turn of the
 * event loop (setImmediate), so a finished effect reaches the database before any more
 * waiting happens; other events ride along with it or with the timer. run_finished is
 * written synchronously. A kill -9 therefore loses at most the batch being gathered in the
 * current turn, never an effect whose completion was followed by any await.
 *
 * After a failed write nothing more is written (a log with a hole would replay wrongly):
 * `onError` hears of it once, so the caller can stop the run; run_finished is then tried once
 * more, marked failed (failedRunMarker).
 */
export class TraceSink implements RunEventSink {
  private pending: RunEvent[] = [];
  private readonly schedule: FlushSchedule;
  private failure: unknown;
  readonly committed = new CommittedEvents();

  constructor(
    private readonly store: Pick<TraceStore, 'appendEvents'>,
    private readonly options: TraceSinkOptions = {},
  ) {
    this.schedule = new FlushSchedule(() => this.flush(), options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
  }

  emit(event: RunEvent): void {
    this.pending.push(event);
    if (this.schedule.afterEmit(event.type, this.pending.length)) this.flush();
  }

  /** Writes everything waiting, in one transaction. */
  flush(): void {
    this.schedule.clear();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.failure === undefined) {
      let written = false;
      try {
        this.store.appendEvents(batch);
        written = true;
      } catch (error) {
        this.failure = error;
        this.options.onError?.(error);
      }
      if (written) {
        this.committed.add(batch);
        this.options.onCommitted?.(batch);
        return;
      }
    }
    this.tryFailedMarker(batch);
  }

  private tryFailedMarker(batch: readonly RunEvent[]): void {
    const finished = batch.find((event) => event.type === 'run_finished');
    if (finished?.type !== 'run_finished') return;
    try {
      this.store.appendEvents([failedRunMarker(finished)]);
    } catch {
      // The database refuses even this one row; the first error already says why.
    }
  }

  /** The first write error, if any; a run whose trace failed should say so. */
  get error(): unknown {
    return this.failure;
  }

  /** Flushes and stops; the store stays open (its owner closes it). */
  close(): void {
    this.flush();
  }
}
