import type { ModelRequest } from './model-request.js';
import type { ModelResponse, TokenUsage } from './model-response.js';
import { IncompleteResponseError, MalformedResponseError } from './provider-error.js';

/**
 * The failure a response stands for when the model did not finish, or undefined for a complete
 * one (`stop`, `tool_calls`). A cut-off, filtered or errored answer is never a result: its text
 * is partial or empty, and tool calls in it may be truncated. The error carries the usage, since
 * the provider billed for it.
 */
export function incompleteResponseError(response: ModelResponse, request: ModelRequest): IncompleteResponseError | undefined {
  const provider = request.route.provider;
  const details = { provider, usage: response.usage };
  switch (response.finishReason) {
    case 'stop':
    case 'tool_calls':
      return undefined;
    case 'length': {
      const limit = request.maxOutputTokens ?? response.usage.outputTokens;
      return new IncompleteResponseError(
        `output cut off at ${limit} tokens (finish_reason "length"): the answer is incomplete; raise the model's max_output_tokens or ask for less`,
        details,
        'length',
      );
    }
    case 'content_filter':
      return new IncompleteResponseError(`the provider filtered or refused the answer (finish_reason "content_filter") after ${response.usage.outputTokens} output tokens`, details, 'content_filter');
    case 'error':
      return new IncompleteResponseError(`the provider ended the answer with an error (finish_reason "error") after ${response.usage.outputTokens} output tokens`, details, 'error');
  }
}

/**
 * Reads the tool calls of an answer that was paid for. Arguments that do not parse fail the call
 * with its usage attached (the tokens were billed); when the answer was cut off or filtered,
 * that is the reason given, since it is why the JSON broke.
 */
export function readPaidAnswer<T>(request: ModelRequest, answer: { readonly finishReason: ModelResponse['finishReason']; readonly usage: TokenUsage }, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof MalformedResponseError)) throw error;
    const incomplete = incompleteResponseError({ text: '', toolCalls: [], ...answer }, request);
    throw incomplete ?? new MalformedResponseError(error.message, { provider: error.provider, cause: error.cause, usage: answer.usage });
  }
}
