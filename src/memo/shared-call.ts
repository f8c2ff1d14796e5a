import { RequestCancelledError, type ModelResponse, type ModelStreamEvent } from '../providers/index.js';

/**
 * One provider call shared by every identical request that arrives while it runs. Events are
 * buffered so a late joiner still sees the whole stream. The call has its own AbortController:
 * a waiter that gives up only leaves; the call is cancelled when the last waiter has left.
 */
export class SharedCall {
  private readonly events: ModelStreamEvent[] = [];
  private readonly controller = new AbortController();
  private wake: () => void = () => {};
  private changed: Promise<void> = this.nextChange();
  private waiters = 0;
  private settled = false;
  private failure: { error: unknown } | undefined;
  private response: ModelResponse | undefined;

  /** Resolves with the final response, or rejects with the call's error. Never left unhandled. */
  readonly completion: Promise<ModelResponse>;

  constructor(
    produce: (signal: AbortSignal) => AsyncIterable<ModelStreamEvent>,
    private readonly onAbandoned: () => void,
  ) {
    this.completion = this.run(produce);
    this.completion.catch(() => {});
  }

  /** False once the call finished or every waiter left; a new request must then start afresh. */
  get joinable(): boolean {
    return !this.settled && !this.controller.signal.aborted;
  }

  /** Waits for the final response on behalf of one waiter. */
  async result(signal: AbortSignal | undefined, provider: string): Promise<ModelResponse> {
    for await (const event of this.subscribe(signal, provider)) {
      if (event.type === 'finish') return event.response;
    }
    throw new Error('shared call ended without a response');
  }

  /** Replays the buffered events, then follows the live ones, on behalf of one waiter. */
  async *subscribe(signal: AbortSignal | undefined, provider: string): AsyncGenerator<ModelStreamEvent> {
    this.waiters += 1;
    try {
      for (let index = 0; ; ) {
        while (index < this.events.length) {
          const event = this.events[index];
          index += 1;
          if (event) yield event;
        }
        if (this.settled) {
          if (this.failure) throw this.failure.error;
          return;
        }
        await untilAbortedOr(this.changed, signal, provider);
      }
    } finally {
      this.waiters -= 1;
      if (this.waiters === 0 && !this.settled && this.response === undefined) {
        this.controller.abort(new RequestCancelledError('every waiter cancelled the shared call', { provider }));
        this.onAbandoned();
      }
    }
  }

  private async run(produce: (signal: AbortSignal) => AsyncIterable<ModelStreamEvent>): Promise<ModelResponse> {
    try {
      for await (const event of produce(this.controller.signal)) {
        this.events.push(event);
        if (event.type === 'finish') this.response = event.response;
        this.notify();
      }
      if (!this.response) throw new Error('stream ended without a final response');
      return this.response;
    } catch (error) {
      this.failure = { error };
      throw error;
    } finally {
      this.settled = true;
      this.notify();
    }
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.nextChange();
    wake();
  }
}

function untilAbortedOr(change: Promise<void>, signal: AbortSignal | undefined, provider: string): Promise<void> {
  if (!signal) return change;
  const cancelled = () => new RequestCancelledError('model call cancelled', { provider, cause: signal.reason });
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    change.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
