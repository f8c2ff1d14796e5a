import type { ModelCallOptions, ModelClient, ModelStreamEvent } from './model-client.js';
import type { ModelRequest } from './model-request.js';
import type { ModelResponse } from './model-response.js';
import { isProviderError, ProviderError } from './provider-error.js';
import { realSleep, type Sleep } from './sleep.js';

export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out; the error is reported instead. */
  readonly maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryAttempt {
  readonly request: ModelRequest;
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: ProviderError;
}

export interface RetryingModelClientOptions {
  readonly policy?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  /** Returns a number in [0, 1); injected so jitter is reproducible in tests. */
  readonly random?: () => number;
  /** Told about every retry, so the trace can record why a call took longer. */
  readonly onRetry?: (attempt: RetryAttempt) => void;
}

/**
 * Retries transient failures (throttling, 5xx, resets, timeouts) with exponential backoff and
 * full jitter, honouring Retry-After. The vendor SDKs' own retries are switched off so this is
 * the only retry loop and its waits are visible to the caller.
 *
 * A stream is retried only while it has produced nothing: once deltas reached the caller, a
 * silent restart would duplicate them.
 */
export class RetryingModelClient implements ModelClient {
  private readonly policy: RetryPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(
    private readonly inner: ModelClient,
    private readonly options: RetryingModelClientOptions = {},
  ) {
    this.policy = { ...defaultRetryPolicy, ...options.policy };
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.inner.generate(request, options);
      } catch (error) {
        await this.waitBeforeRetry(error, attempt, request, options.signal);
      }
    }
  }

  async *stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    for (let attempt = 1; ; attempt += 1) {
      let producedOutput = false;
      try {
        for await (const event of this.inner.stream(request, options)) {
          producedOutput = true;
          yield event;
        }
        return;
      } catch (error) {
        if (producedOutput) throw error;
        await this.waitBeforeRetry(error, attempt, request, options.signal);
      }
    }
  }

  /** Returns after the backoff when another attempt is due; rethrows the error otherwise. */
  private async waitBeforeRetry(error: unknown, attempt: number, request: ModelRequest, signal?: AbortSignal): Promise<void> {
    if (!isProviderError(error) || !error.retryable || attempt >= this.policy.maxAttempts || signal?.aborted) {
      throw error;
    }
    const delayMs = this.delayFor(error, attempt);
    if (delayMs === undefined) throw this.waitTooLong(error);
    this.options.onRetry?.({ request, attempt, delayMs, error });
    await this.sleep(delayMs, signal);
  }

  /**
   * The provider asked for a longer wait than we give it: the call fails with that reason, and
   * not as retryable, since a retry at once (by the engine, which retries retryable leaves) would
   * only be refused again; the wait it asked for is in the message and in `retryAfterMs`.
   */
  private waitTooLong(error: ProviderError): ProviderError {
    const asked = Math.ceil((error.retryAfterMs ?? 0) / 1000);
    const allowed = Math.floor(this.policy.maxRetryAfterMs / 1000);
    const message = `${error.message} — the provider asked to wait ${asked} s before trying again (Retry-After), longer than the ${allowed} s WhaleFlow waits; try again later`;
    return new RetryAfterTooLongError(message, { provider: error.provider, ...(error.status !== undefined ? { status: error.status } : {}), ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}), cause: error });
  }

  private delayFor(error: ProviderError, attempt: number): number | undefined {
    if (error.retryAfterMs !== undefined) {
      return error.retryAfterMs > this.policy.maxRetryAfterMs ? undefined : error.retryAfterMs;
    }
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.random() * ceiling);
  }
}

/** A throttled (429) or overloaded (503) call whose requested wait is longer than the retry policy allows: not retryable now. */
export class RetryAfterTooLongError extends ProviderError {
  override readonly name = 'RetryAfterTooLongError';
  readonly retryable = false;
}
