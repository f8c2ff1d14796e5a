import { assertNever } from '../../util/index.js';
import type OpenAI from 'openai';
import type { ModelMessage, ModelRequest, ToolChoice } from '../model-request.js';
import { usageFromCounts, type FinishReason, type TokenUsage } from '../model-response.js';

/** The cap sent when neither the request nor the model's configuration names one (as for Anthropic). */
export const fallbackMaxOutputTokens = 4096;

type ChatParams = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/**
 * The chat-completions body for a request, shared by the streaming and one-shot paths. Every
 * request carries an output cap: its own, else the model's configured `max_output_tokens`, else
 * `fallbackMaxOutputTokens`, so a runaway model cannot fill the context at the caller's expense.
 */
export function chatCompletionParams(request: ModelRequest, defaultMaxOutputTokens?: number): ChatParams {
  const messages: ChatMessage[] = request.system ? [{ role: 'system', content: request.system }] : [];
  messages.push(...request.messages.map(chatMessage));
  const params: ChatParams = { model: request.route.model, messages };
  if (request.tools?.length) {
    params.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.toolChoice !== undefined) params.tool_choice = chatToolChoice(request.toolChoice);
  if (request.temperature !== undefined) params.temperature = request.temperature;
  // `max_tokens` rather than `max_completion_tokens`: it is the spelling every compatible server accepts.
  params.max_tokens = request.maxOutputTokens ?? defaultMaxOutputTokens ?? fallbackMaxOutputTokens;
  if (request.stop?.length) params.stop = [...request.stop];
  if (request.responseFormat === 'json') params.response_format = { type: 'json_object' };
  return params;
}

function chatMessage(message: ModelMessage): ChatMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    default:
      return assertNever(message, 'message role');
  }
}


function chatToolChoice(choice: ToolChoice): ChatParams['tool_choice'] {
  if (typeof choice === 'object') return { type: 'function', function: { name: choice.tool } };
  return choice;
}

export function finishReasonFromChat(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
    case 'eos':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'error';
  }
}

/**
 * Reads usage in both dialects: OpenAI reports cached prompt tokens under
 * `prompt_tokens_details.cached_tokens`; DeepSeek reports `prompt_cache_hit_tokens` and
 * `prompt_cache_miss_tokens` at the top level.
 */
export function usageFromChat(usage: unknown): TokenUsage {
  if (usage === null || typeof usage !== 'object') return usageFromCounts({ inputTokens: 0, outputTokens: 0 });
  const fields = usage as {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_cache_hit_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
  };
  return usageFromCounts({
    inputTokens: fields.prompt_tokens ?? 0,
    outputTokens: fields.completion_tokens ?? 0,
    cacheHitInputTokens: fields.prompt_cache_hit_tokens ?? fields.prompt_tokens_details?.cached_tokens ?? 0,
  });
}
