import type { CancelRequestRecord, TraceStore } from '../trace/index.js';

/** How often a run process looks for `whaleflow cancel` requests. */
export const CANCEL_POLL_INTERVAL_MS = 300;

export interface CancelPollOptions {
  readonly store: Pick<TraceStore, 'readCancelRequests'>;
  readonly runId: string;
  readonly onRequest: (request: CancelRequestRecord) => void;
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Reads the run's cancel requests from the store every ~300 ms (each only once, by id) and
 * hands them to `onRequest`. Requests made before the run process started count too: the
 * first poll is immediate and starts from the beginning. What reading or `onRequest` throws goes
 * to `onError`; polling goes on. Returns the function that stops it.
 */
export function pollCancelRequests(options: CancelPollOptions): () => void {
  let lastId = 0;
  const poll = (): void => {
    try {
      for (const request of options.store.readCancelRequests(options.runId, lastId)) {
        lastId = request.id;
        deliver(request);
      }
    } catch (error) {
      options.onError?.(error);
    }
  };
  // One request that cannot be applied (an id the run does not know) must not hold up the rest.
  const deliver = (request: CancelRequestRecord): void => {
    try {
      options.onRequest(request);
    } catch (error) {
      options.onError?.(error);
    }
  };
  poll();
  const timer = setInterval(poll, options.intervalMs ?? CANCEL_POLL_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
