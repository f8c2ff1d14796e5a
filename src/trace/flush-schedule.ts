import type { RunEvent } from '../engine/contracts/index.js';

/**
 * When a batching sink writes what it gathered (TraceSink, WorkerTraceSink): run_finished and a
 * full batch at once; an effect's request or end, or a cancel, at the end of the current turn of
 * the event loop (setImmediate), so a finished effect is on its way to the database before any
 * more waiting happens, and a requested one is written while the run waits for it (a fan-in's
 * request holds every input's output: written at the run's end, it was the close's largest
 * write); anything else at most `intervalMs` after it arrived.
 */
export class FlushSchedule {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly flush: () => void,
    private readonly intervalMs: number,
    private readonly maxBatchSize: number,
  ) {}

  /** Called after each event is added; true when the caller must flush now. */
  afterEmit(type: RunEvent['type'], pending: number): boolean {
    if (type === 'run_finished' || pending >= this.maxBatchSize) return true;
    if (type === 'effect_completed' || type === 'effect_requested' || type === 'cancel_requested') {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
    return false;
  }

  /** Called by every flush: nothing more is due until the next event. */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}
