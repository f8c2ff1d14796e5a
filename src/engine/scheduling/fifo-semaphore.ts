import type { Cancellable } from '../contracts/index.js';

/**
 * A fair counting semaphore: waiters are served strictly first-in, first-out, and a released
 * permit goes straight to the next waiter, so a burst of arrivals can never overtake the queue.
 * A waiter cancelled while queued leaves the queue without taking a permit.
 */
export class FifoSemaphore {
  private available: number;
  /** Served entries before `head` are cleared (undefined), so a served waiter's closures are garbage at once. */
  private readonly waiters: (Waiter | undefined)[] = [];
  private head = 0;

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  /** Permits currently held. */
  get inUse(): number {
    return this.capacity - this.available;
  }

  get queued(): number {
    return this.waiters.length - this.head;
  }

  /**
   * Takes a permit: returns undefined when one was free at once (no promise on the hot path),
   * else a promise that resolves once a permit is held, or rejects with the cancel reason.
   */
  acquire(cancellable?: Cancellable): Promise<void> | undefined {
    if (cancellable?.reason) return Promise.reject(cancellable.reason);
    if (this.available > 0 && this.queued === 0) {
      this.available -= 1;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, unregister: undefined, settled: false };
      if (cancellable) {
        waiter.unregister = cancellable.onCancel((reason) => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(reason);
        });
      }
      this.waiters.push(waiter);
    });
  }

  /**
   * Takes a permit for `then`: true when one was free at once (`then` is not called), else false,
   * and `then` is queued with acquire's waiters and called by the release that hands it the
   * permit, in that release's turn — no promise and no microtask between the two. For an owner
   * that starts work in order (see ParallelLaunch), not for a waiter that may be cancelled.
   */
  take(then: () => void): boolean {
    if (this.available > 0 && this.queued === 0) {
      this.available -= 1;
      return true;
    }
    this.waiters.push({ resolve: then, unregister: undefined, settled: false });
    return false;
  }

  release(): void {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head]!;
      this.waiters[this.head] = undefined;
      this.head += 1;
      this.compact();
      if (waiter.settled) continue;
      waiter.settled = true;
      waiter.unregister?.();
      waiter.resolve();
      return;
    }
    this.available += 1;
  }

  /** Drops served waiters from the front now and then, so the queue array does not grow forever. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }
}

interface Waiter {
  resolve: () => void;
  unregister: (() => void) | undefined;
  settled: boolean;
}
