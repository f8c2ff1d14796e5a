import OpenAI from 'openai';
import type { ModelCallOptions, ModelClient, ModelStreamEvent } from '../model-client.js';
import type { ModelRequest } from '../model-request.js';
import type { ModelResponse, TokenUsage } from '../model-response.js';
import { readPaidAnswer } from '../incomplete-response.js';
import { AuthenticationError, MalformedResponseError, providerErrorFromStatus, throwIfAborted, type ProviderError } from '../provider-error.js';
import { parseRetryAfterMs } from '../retry-after.js';
import { ToolCallAccumulator, parseToolArguments } from '../tool-call-accumulator.js';
import { transportError } from '../transport-error.js';
import { chatCompletionParams, finishReasonFromChat, usageFromChat } from './openai-compatible-wire.js';

export interface OpenAiCompatibleClientOptions {
  /** The configured provider id; named in every error. */
  readonly providerId: string;
  readonly baseUrl: string;
  /** Undefined when the provider needs no key (local vLLM, Ollama). */
  readonly apiKey?: string;
  /** Name of the variable the key should have come from, for the error when it is missing. */
  readonly apiKeyEnv?: string;
  readonly timeoutMs?: number;
  /** Ask for usage on the final stream chunk; a few old servers reject the option. */
  readonly streamUsage?: boolean;
  readonly now?: () => number;
  /** The model's configured `max_output_tokens`, the cap sent when a request names none. */
  readonly maxOutputTokensFor?: (model: string) => number | undefined;
}

/**
 * Chat completions over the `openai` SDK: OpenAI itself and the many servers that speak its
 * wire protocol (DeepSeek, vLLM, Ollama, Kimi, GLM…). The SDK's retries are off; retrying is
 * the RetryingModelClient's job.
 */
export class OpenAiCompatibleClient implements ModelClient {
  private readonly sdk: OpenAI;

  constructor(private readonly options: OpenAiCompatibleClientOptions) {
    this.sdk = new OpenAI({
      baseURL: options.baseUrl,
      // The SDK insists on some key; keyless local servers ignore it.
      apiKey: options.apiKey || 'not-needed',
      maxRetries: 0,
      timeout: options.timeoutMs ?? 600_000,
    });
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    this.checkReady(options.signal);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.sdk.chat.completions.create(this.params(request), { signal: options.signal });
    } catch (error) {
      throw this.toProviderError(error, options.signal);
    }
    const choice = completion.choices?.[0];
    const usage = usageFromChat(completion.usage);
    if (!choice?.message) throw new MalformedResponseError('response has no choices', { provider: this.options.providerId, usage });
    const finishReason = finishReasonFromChat(choice.finish_reason);
    const message = choice.message;
    return {
      text: message.content ?? '',
      toolCalls: readPaidAnswer(request, { finishReason, usage }, () =>
        (message.tool_calls ?? []).map((call, index) => {
          const fn = 'function' in call ? call.function : { name: '', arguments: '' };
          return { id: call.id || `call_${index}`, name: fn.name, arguments: parseToolArguments(fn.arguments, fn.name, this.options.providerId) };
        }),
      ),
      finishReason,
      usage,
    };
  }

  private params(request: ModelRequest) {
    return chatCompletionParams(request, this.options.maxOutputTokensFor?.(request.route.model));
  }

  async *stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    this.checkReady(options.signal);
    const provider = this.options.providerId;
    const toolCalls = new ToolCallAccumulator(provider);
    let text = '';
    let finishReason: string | null | undefined;
    let usage: TokenUsage | undefined;
    try {
      const chunks = await this.sdk.chat.completions.create(
        {
          ...this.params(request),
          stream: true,
          ...(this.options.streamUsage === false ? {} : { stream_options: { include_usage: true } }),
        },
        { signal: options.signal },
      );
      for await (const chunk of chunks) {
        if (chunk.usage) usage = usageFromChat(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = choice.finish_reason;
        const content = choice.delta?.content;
        if (content) {
          text += content;
          yield { type: 'text-delta', text: content };
        }
        for (const fragment of choice.delta?.tool_calls ?? []) {
          const delta = { id: fragment.id, name: fragment.function?.name, argumentsDelta: fragment.function?.arguments ?? '' };
          toolCalls.add(fragment.index, delta);
          yield { type: 'tool-call-delta', index: fragment.index, ...delta };
        }
      }
    } catch (error) {
      throw this.toProviderError(error, options.signal);
    }
    const paid = usage ?? usageFromChat(undefined);
    if (!finishReason) throw new MalformedResponseError('stream ended before the model finished', { provider, usage: paid });
    const finished = finishReasonFromChat(finishReason);
    const response: ModelResponse = {
      text,
      toolCalls: readPaidAnswer(request, { finishReason: finished, usage: paid }, () => toolCalls.finish()),
      finishReason: finished,
      usage: paid,
    };
    yield { type: 'finish', response };
  }

  private checkReady(signal: AbortSignal | undefined): void {
    throwIfAborted(signal, this.options.providerId);
    if (this.options.apiKeyEnv && !this.options.apiKey) {
      throw new AuthenticationError(`environment variable ${this.options.apiKeyEnv} is not set`, { provider: this.options.providerId });
    }
  }

  private toProviderError(error: unknown, signal: AbortSignal | undefined): ProviderError {
    const provider = this.options.providerId;
    if (error instanceof OpenAI.APIError && typeof error.status === 'number' && !signal?.aborted) {
      const retryAfterMs = parseRetryAfterMs((name) => error.headers?.get(name), this.options.now);
      return providerErrorFromStatus(error.status, error.message, { provider, retryAfterMs, cause: error });
    }
    if (error instanceof MalformedResponseError) return error;
    if (error instanceof OpenAI.APIError && error.status === undefined && error.error !== undefined && !signal?.aborted) {
      // An `error` event inside an otherwise healthy stream: the server gave up mid-answer.
      return providerErrorFromStatus(500, error.message, { provider, cause: error });
    }
    return transportError(error, provider, signal);
  }
}
