import Anthropic from '@anthropic-ai/sdk';
import type { ModelCallOptions, ModelClient, ModelStreamEvent } from '../model-client.js';
import type { ModelRequest, ToolCall } from '../model-request.js';
import type { ModelResponse } from '../model-response.js';
import { AuthenticationError, MalformedResponseError, providerErrorFromStatus, throwIfAborted, type ProviderError } from '../provider-error.js';
import { parseRetryAfterMs } from '../retry-after.js';
import { ToolCallAccumulator } from '../tool-call-accumulator.js';
import { transportError } from '../transport-error.js';
import { readPaidAnswer } from '../incomplete-response.js';
import { finishReasonFromStop, mergeUsageFields, messageParams, usageFromMessages, type MessagesUsageFields } from './anthropic-wire.js';

export interface AnthropicClientOptions {
  readonly providerId: string;
  readonly baseUrl?: string;
  readonly apiKey?: string;
  readonly apiKeyEnv?: string;
  readonly timeoutMs?: number;
  /** The model's configured `max_output_tokens`; this API refuses requests without a limit. */
  readonly maxOutputTokensFor?: (model: string) => number | undefined;
  readonly now?: () => number;
}

/** The Messages API over `@anthropic-ai/sdk`, with the SDK's retries off. */
export class AnthropicClient implements ModelClient {
  private readonly sdk: Anthropic;

  constructor(private readonly options: AnthropicClientOptions) {
    this.sdk = new Anthropic({
      apiKey: options.apiKey || 'missing',
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
      maxRetries: 0,
      timeout: options.timeoutMs ?? 600_000,
    });
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    this.checkReady(options.signal);
    let message: Anthropic.Messages.Message;
    try {
      message = await this.sdk.messages.create(messageParams(request, this.options.maxOutputTokensFor?.(request.route.model)), { signal: options.signal });
    } catch (error) {
      throw this.toProviderError(error, options.signal);
    }
    if (!Array.isArray(message?.content)) {
      throw new MalformedResponseError('response has no content', { provider: this.options.providerId });
    }
    let text = '';
    const toolCalls: ToolCall[] = [];
    const answer = { finishReason: finishReasonFromStop(message.stop_reason), usage: usageFromMessages(message.usage) };
    readPaidAnswer(request, answer, () => {
      for (const block of message.content) {
        if (block.type === 'text') text += block.text;
        if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: this.inputObject(block.input, block.name) });
      }
    });
    return { text, toolCalls, ...answer };
  }

  async *stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    this.checkReady(options.signal);
    const provider = this.options.providerId;
    const toolCalls = new ToolCallAccumulator(provider);
    // Content blocks are numbered across text and tool use; tool calls get their own 0-based index.
    const toolIndexByBlock = new Map<number, number>();
    let text = '';
    let stopReason: string | null | undefined;
    let usage: MessagesUsageFields = {};
    let stopped = false;
    try {
      const events = await this.sdk.messages.create(
        { ...messageParams(request, this.options.maxOutputTokensFor?.(request.route.model)), stream: true },
        { signal: options.signal },
      );
      for await (const event of events) {
        switch (event.type) {
          case 'message_start':
            usage = mergeUsageFields(usage, event.message.usage);
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              const index = toolIndexByBlock.size;
              toolIndexByBlock.set(event.index, index);
              toolCalls.add(index, { id: event.content_block.id, name: event.content_block.name });
              yield { type: 'tool-call-delta', index, id: event.content_block.id, name: event.content_block.name, argumentsDelta: '' };
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') {
              text += event.delta.text;
              yield { type: 'text-delta', text: event.delta.text };
            } else if (event.delta.type === 'input_json_delta') {
              const index = toolIndexByBlock.get(event.index);
              if (index === undefined) throw new MalformedResponseError('tool input delta for an unknown block', { provider });
              toolCalls.add(index, { argumentsDelta: event.delta.partial_json });
              yield { type: 'tool-call-delta', index, argumentsDelta: event.delta.partial_json };
            }
            break;
          case 'message_delta':
            stopReason = event.delta.stop_reason ?? stopReason;
            usage = mergeUsageFields(usage, event.usage);
            break;
          case 'message_stop':
            stopped = true;
            break;
          default:
            // content_block_stop, ping and event types added later carry nothing we need.
            break;
        }
      }
    } catch (error) {
      throw this.toProviderError(error, options.signal);
    }
    if (!stopped) throw new MalformedResponseError('stream ended before the model finished', { provider });
    const answer = { finishReason: finishReasonFromStop(stopReason), usage: usageFromMessages(usage) };
    const response: ModelResponse = { text, toolCalls: readPaidAnswer(request, answer, () => toolCalls.finish()), ...answer };
    yield { type: 'finish', response };
  }

  private inputObject(input: unknown, toolName: string): Record<string, unknown> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new MalformedResponseError(`tool call '${toolName}' input is not a JSON object`, { provider: this.options.providerId });
    }
    return input as Record<string, unknown>;
  }

  private checkReady(signal: AbortSignal | undefined): void {
    throwIfAborted(signal, this.options.providerId);
    if (!this.options.apiKey) {
      const source = this.options.apiKeyEnv ? `environment variable ${this.options.apiKeyEnv}` : 'api_key_env';
      throw new AuthenticationError(`${source} is not set`, { provider: this.options.providerId });
    }
  }

  private toProviderError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    const provider = this.options.providerId;
    if (error instanceof MalformedResponseError) return error;
    if (error instanceof Anthropic.APIError && !signal?.aborted) {
      if (typeof error.status === 'number') {
        const retryAfterMs = parseRetryAfterMs((name) => error.headers?.get(name), this.options.now);
        return providerErrorFromStatus(error.status, error.message, { provider, retryAfterMs, cause: error });
      }
      if (error.error !== undefined) {
        // An `error` event mid-stream (typically overloaded_error): the provider gave up, not us.
        return providerErrorFromStatus(529, error.message, { provider, cause: error });
      }
    }
    return transportError(error, provider, signal);
  }
}
