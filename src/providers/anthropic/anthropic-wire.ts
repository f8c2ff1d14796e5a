import { assertNever } from '../../util/index.js';
import type Anthropic from '@anthropic-ai/sdk';
import type { ModelMessage, ModelRequest, ToolChoice } from '../model-request.js';
import { usageFromCounts, type FinishReason, type TokenUsage } from '../model-response.js';

/** The SDK's typings no longer list `temperature`, but the Messages API still accepts it. */
type MessageParams = Anthropic.Messages.MessageCreateParamsNonStreaming & { temperature?: number };
type MessageParam = Anthropic.Messages.MessageParam;
type ContentBlockParam = Anthropic.Messages.ContentBlockParam;

/** Anthropic requires max_tokens; used when neither the request nor the model config sets one. */
export const fallbackMaxOutputTokens = 4096;

export function messageParams(request: ModelRequest, defaultMaxOutputTokens?: number): MessageParams {
  const params: MessageParams = {
    model: request.route.model,
    max_tokens: request.maxOutputTokens ?? defaultMaxOutputTokens ?? fallbackMaxOutputTokens,
    messages: mergeConsecutiveRoles(request.messages.map(messageParam)),
  };
  if (request.system) params.system = request.system;
  if (request.tools?.length) {
    params.tools = request.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters as Anthropic.Messages.Tool.InputSchema,
    }));
  }
  if (request.toolChoice !== undefined) params.tool_choice = messagesToolChoice(request.toolChoice);
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.stop?.length) params.stop_sequences = [...request.stop];
  // There is no JSON mode on this API; routes that need one declare `json_mode: false` and are skipped.
  return params;
}

function messageParam(message: ModelMessage): MessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: [{ type: 'text', text: message.content }] };
    case 'assistant': {
      const content: ContentBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
      for (const call of message.toolCalls ?? []) {
        content.push({ type: 'tool_use', id: call.id, name: call.name, input: call.arguments });
      }
      return { role: 'assistant', content };
    }
    case 'tool':
      return { role: 'user', content: [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }] };
    default:
      return assertNever(message, 'message role');
  }
}


/** The API wants user and assistant turns to alternate; several tool results form one user turn. */
function mergeConsecutiveRoles(messages: MessageParam[]): MessageParam[] {
  const merged: MessageParam[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (previous && previous.role === message.role) {
      previous.content = [...(previous.content as ContentBlockParam[]), ...(message.content as ContentBlockParam[])];
    } else {
      merged.push({ ...message, content: [...(message.content as ContentBlockParam[])] } as MessageParam);
    }
  }
  return merged;
}

function messagesToolChoice(choice: ToolChoice): Anthropic.Messages.ToolChoice {
  if (typeof choice === 'object') return { type: 'tool', name: choice.tool };
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
    default:
      return assertNever(choice, 'tool choice');
  }
}


export function finishReasonFromStop(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'error';
  }
}

export interface MessagesUsageFields {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * `input_tokens` here excludes cached tokens: the whole prompt is input + cache read + cache
 * write. Only cache reads are hits; cache writes are billed as (more expensive) misses.
 */
export function usageFromMessages(usage: MessagesUsageFields): TokenUsage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return usageFromCounts({
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
    cacheHitInputTokens: cacheRead,
  });
}

/** Streamed usage arrives in two parts: input at message_start, output (and sometimes input again) at message_delta. */
export function mergeUsageFields(current: MessagesUsageFields, update: MessagesUsageFields): MessagesUsageFields {
  const merged: MessagesUsageFields = { ...current };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = update[key];
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
