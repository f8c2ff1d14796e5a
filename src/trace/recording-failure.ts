import type { CancelReason, RunEvent } from '../engine/contracts/index.js';
import { WhaleflowError } from '../util/index.js';

/**
 * A run's events could not be written to its trace (a full disk, a damaged or read-only
 * database). The message carries the store's own explanation, which names the file.
 */
export class TraceWriteError extends WhaleflowError {
  override readonly name = 'TraceWriteError';
  constructor(cause: unknown) {
    super(`the run could not be recorded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * The first write failure of a recording, as a signal: pass `signal` to executeWorkflow and
 * the run stops (its leaves are cancelled, it ends `failed`) as soon as a batch fails,
 * instead of running on unrecorded. A run that cannot record must not pay for work nobody
 * will ever see, nor claim results its trace does not hold.
 */
export class RecordingFailure {
  private readonly controller = new AbortController();
  private failure: TraceWriteError | undefined;

  /** Records the first failure and aborts the signal; later ones change nothing. */
  report(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof TraceWriteError ? error : new TraceWriteError(error);
    const cause = this.failure.cause;
    this.controller.abort({ type: 'trace_failure', message: cause instanceof Error ? cause.message : this.failure.message } satisfies CancelReason);
  }

  /** Aborted with a `trace_failure` CancelReason at the first failure. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get error(): TraceWriteError | undefined {
    return this.failure;
  }
}

/**
 * After a failure the log holds a clean prefix of the run (later batches are dropped, so it
 * has no holes). Its end is still worth one attempt: run_finished, marked failed, tells `ps`
 * the run is over and did not succeed, if the database takes that one row.
 */
export function failedRunMarker(event: Extract<RunEvent, { type: 'run_finished' }>): Extract<RunEvent, { type: 'run_finished' }> {
  return { ...event, status: 'failed', result: { ...event.result, status: 'failed' } };
}
