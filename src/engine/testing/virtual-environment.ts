import { cancelledReason, whenCancelled, type EngineEnvironment, type SleepCancellation } from '../contracts/index.js';

interface Timer {
  readonly at: number;
  readonly sequence: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/** Raised when the awaited work is pending but nothing is scheduled that could ever finish it. */
export class VirtualDeadlockError extends Error {
  override readonly name = 'VirtualDeadlockError';
}

/**
 * Virtual time for deterministic tests: `sleep` registers a timer, and `drive` advances the
 * clock to the earliest timer whenever nothing else can make progress. Timers due at the same
 * instant fire in the order they were set. Ids count up; randomness is a seeded generator.
 */
export class VirtualEnvironment implements EngineEnvironment {
  private time: number;
  private sequence = 0;
  private idCounter = 0;
  private randomState: number;
  private readonly timers: Timer[] = [];

  constructor(options: { start?: number; seed?: number } = {}) {
    this.time = options.start ?? 1_700_000_000_000;
    this.randomState = options.seed ?? 1;
  }

  readonly now = (): number => this.time;

  readonly newId = (): string => `virtual-${++this.idCounter}`;

  /** mulberry32: small, fast and deterministic. */
  readonly random = (): number => {
    this.randomState = (this.randomState + 0x6d2b79f5) | 0;
    let value = this.randomState;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };

  readonly sleep = (ms: number, cancellation?: SleepCancellation): Promise<void> =>
    new Promise((resolve, reject) => {
      const already = cancelledReason(cancellation);
      if (already !== undefined) {
        reject(already);
        return;
      }
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        sequence: this.sequence++,
        cancelled: false,
        fire: () => {
          stopListening();
          resolve();
        },
      };
      const stopListening = whenCancelled(cancellation, (reason) => {
        timer.cancelled = true;
        reject(reason);
      });
      this.insert(timer);
    });

  /** Timers set and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Awaits the promise, advancing virtual time whenever everything else is idle. */
  async drive<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await idle();
      if (settled) return promise;
      const timer = this.nextTimer();
      if (!timer) throw new VirtualDeadlockError('the awaited work is pending and no timer is scheduled');
      this.time = Math.max(this.time, timer.at);
      timer.fire();
    }
  }

  private nextTimer(): Timer | undefined {
    while (this.timers.length > 0) {
      const timer = this.timers.shift()!;
      if (!timer.cancelled) return timer;
    }
    return undefined;
  }

  private insert(timer: Timer): void {
    let low = 0;
    let high = this.timers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const other = this.timers[middle]!;
      if (other.at < timer.at || (other.at === timer.at && other.sequence < timer.sequence)) low = middle + 1;
      else high = middle;
    }
    this.timers.splice(low, 0, timer);
  }
}

/** Lets every pending microtask (and promise chain) run: they all drain before a macrotask. */
function idle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
