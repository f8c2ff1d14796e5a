import { onLeafCancel, type LeafCancellation } from './leaf-queue.js';

/**
 * One leaf's stop switch on a worker. A worker holds a batch of leaves and must be able to stop
 * each one alone (a cancel names one job id), but most leaves never look at an AbortSignal: a
 * mock leaf only waits, and an AbortController plus a listener per leaf cost more than the
 * leaf's own work. So the signal is made only when the leaf's runner asks for it, and waiting
 * goes through `sleep`, which a stop cuts short without any signal (as the engine's own
 * cancel-aware sleep does in-process).
 */
export class LeafStopSwitch {
  private controller: AbortController | undefined;
  private stopped = false;
  private stopReason: unknown;
  private readonly sleepers = new Set<(reason: unknown) => void>();

  /** A switch that flips when `cancellation` fires (the in-process queue hands its caller's). */
  static following(cancellation: LeafCancellation): LeafStopSwitch {
    const stopSwitch = new LeafStopSwitch();
    onLeafCancel(cancellation, (reason) => stopSwitch.stop(reason));
    return stopSwitch;
  }

  get aborted(): boolean {
    return this.stopped;
  }

  get reason(): unknown {
    return this.stopReason;
  }

  /** The leaf's AbortSignal, made on first use (already aborted if the leaf was stopped before). */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.stopped) this.controller.abort(this.stopReason);
    }
    return this.controller.signal;
  }

  /** Stops the leaf: its signal aborts and its waits reject with `reason`. Only the first stop counts. */
  stop(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopReason = reason;
    this.controller?.abort(reason);
    for (const wake of [...this.sleepers]) wake(reason);
    this.sleepers.clear();
  }

  /** Waits `ms`, rejecting with the stop reason as soon as the leaf is stopped. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopReason);
    return new Promise((resolve, reject) => {
      const wake = (reason: unknown): void => {
        clearTimeout(timer);
        reject(reason);
      };
      const timer = setTimeout(() => {
        this.sleepers.delete(wake);
        resolve();
      }, Math.max(0, ms));
      this.sleepers.add(wake);
    });
  }
}
