import { WhaleflowError } from '../util/index.js';
import type { FinishReason, TokenUsage } from './model-response.js';

export interface ProviderErrorDetails {
  readonly provider: string;
  readonly status?: number;
  /** How long the provider asked us to wait before trying again. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
  /**
   * What the provider billed for the failed call: a response that arrived and was then refused
   * (unreadable tool arguments, cut off, filtered) was still paid for, and the caller counts it.
   */
  readonly usage?: TokenUsage;
}

/**
 * A failed model call. `retryable` is the only thing the retry decorator looks at, so each
 * subclass fixes it once instead of every caller re-deriving it from status codes.
 */
export abstract class ProviderError extends WhaleflowError {
  abstract override readonly name: string;
  abstract readonly retryable: boolean;
  readonly provider: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly usage?: TokenUsage;

  constructor(message: string, details: ProviderErrorDetails) {
    super(message, { cause: details.cause });
    this.provider = details.provider;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.usage = details.usage;
  }
}

/** 429: the provider is throttling us. */
export class RateLimitError extends ProviderError {
  override readonly name = 'RateLimitError';
  readonly retryable = true;
}

/** 5xx (and 408/409/529 style overload): the provider failed, not the request. */
export class ServerError extends ProviderError {
  override readonly name = 'ServerError';
  readonly retryable = true;
}

/** The connection failed or was reset before a complete answer arrived. */
export class ConnectionError extends ProviderError {
  override readonly name = 'ConnectionError';
  readonly retryable = true;
}

/** No answer within the configured time. */
export class TimeoutError extends ProviderError {
  override readonly name = 'TimeoutError';
  readonly retryable = true;
}

/** 401/403, or the API key environment variable is unset. */
export class AuthenticationError extends ProviderError {
  override readonly name = 'AuthenticationError';
  readonly retryable = false;
}

/** 4xx other than auth and throttling: the request itself is wrong and will stay wrong. */
export class BadRequestError extends ProviderError {
  override readonly name = 'BadRequestError';
  readonly retryable = false;
}

/** The provider answered, but not in a shape we can read (bad JSON, broken stream). */
export class MalformedResponseError extends ProviderError {
  override readonly name = 'MalformedResponseError';
  readonly retryable = false;
}

/**
 * The provider answered but did not finish: the output was cut off at the token limit
 * (`length`), filtered or refused (`content_filter`), or ended by a server error (`error`). The
 * answer is not a result; its tokens were paid for (`usage`).
 */
export class IncompleteResponseError extends ProviderError {
  override readonly name = 'IncompleteResponseError';
  readonly retryable = false;
  constructor(
    message: string,
    details: ProviderErrorDetails,
    readonly finishReason: Exclude<FinishReason, 'stop' | 'tool_calls'>,
  ) {
    super(message, details);
  }
}

/** The caller aborted the call; `cause` carries the signal's reason. */
export class RequestCancelledError extends ProviderError {
  override readonly name = 'RequestCancelledError';
  readonly retryable = false;
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** Throws the cancellation error when the signal has already fired. */
export function throwIfAborted(signal: AbortSignal | undefined, provider: string): void {
  if (signal?.aborted) {
    throw new RequestCancelledError('model call cancelled', { provider, cause: signal.reason });
  }
}

/**
 * Maps an HTTP status to the error class that carries the right retry decision. Adapters use
 * it after pulling status, message and Retry-After out of their SDK's error.
 */
export function providerErrorFromStatus(status: number, message: string, details: ProviderErrorDetails): ProviderError {
  const withStatus = { ...details, status };
  if (status === 429) return new RateLimitError(message, withStatus);
  if (status === 401 || status === 403) return new AuthenticationError(message, withStatus);
  if (status === 408) return new TimeoutError(message, withStatus);
  if (status === 409 || status >= 500) return new ServerError(message, withStatus);
  return new BadRequestError(message, withStatus);
}
