import { ConnectionError, MalformedResponseError, RequestCancelledError, TimeoutError, type ProviderError } from './provider-error.js';
import { describeError } from '../util/index.js';

const connectionCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/**
 * Classifies a failure that is not an HTTP error status: the caller's abort, a broken connection,
 * a timeout, or bytes that did not parse. Vendor adapters call it for whatever their SDK raises
 * outside its status-carrying error class.
 */
export function transportError(error: unknown, provider: string, signal?: AbortSignal): ProviderError {
  if (signal?.aborted) return new RequestCancelledError('model call cancelled', { provider, cause: signal.reason });
  if (error instanceof SyntaxError) {
    return new MalformedResponseError(`unreadable response from provider: ${error.message}`, { provider, cause: error });
  }
  const message = describeError(error);
  if (/timed? ?out/i.test(message)) return new TimeoutError(`provider timed out: ${message}`, { provider, cause: error });
  if (hasConnectionCode(error) || /terminated|socket|network|fetch failed|connection/i.test(message)) {
    return new ConnectionError(`connection to provider failed: ${message}`, { provider, cause: error });
  }
  return new MalformedResponseError(`unexpected failure reading provider response: ${message}`, { provider, cause: error });
}

function hasConnectionCode(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && connectionCodes.has(code)) return true;
    current = current.cause;
  }
  return false;
}
