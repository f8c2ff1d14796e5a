/**
 * A fair counting semaphore: waiters are served strictly first-in, first-out, and a released
 * permit goes straight to the next waiter, so a burst of arrivals can never overtake the queue.
 * A waiter whose signal aborts leaves the queue without taking a permit.
 */
export class FifoSemaphore {
  private available: number;
  private readonly waiters: Waiter[] = [];
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

  /** Resolves once a permit is held; rejects with the signal's reason if aborted while queued. */
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.available > 0 && this.queued === 0) {
      this.available -= 1;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal) {
        waiter.onAbort = () => {
          if (waiter.settled) return;
          waiter.settled = true;
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head]!;
      this.head += 1;
      this.compact();
      if (waiter.settled) continue;
      waiter.settled = true;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
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
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}
