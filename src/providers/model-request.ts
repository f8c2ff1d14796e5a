/**
 * A route names one model on one configured provider. The two are kept apart because model
 * ids routinely contain '/' (e.g. `Qwen/Qwen2.5-Coder-32B`), so no joined string can be split
 * back unambiguously.
 */
export interface ModelRoute {
  readonly provider: string;
  readonly model: string;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  /** Parsed JSON object; adapters reject arguments that are not a JSON object. */
  readonly arguments: Record<string, unknown>;
}

export interface UserMessage {
  readonly role: 'user';
  readonly content: string;
}

export interface AssistantMessage {
  readonly role: 'assistant';
  readonly content: string;
  readonly toolCalls?: readonly ToolCall[];
}

export interface ToolResultMessage {
  readonly role: 'tool';
  readonly toolCallId: string;
  readonly content: string;
}

export type ModelMessage = UserMessage | AssistantMessage | ToolResultMessage;

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Record<string, unknown>;
}

/** `auto` lets the model decide, `required` forces some tool, `{tool}` forces that one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly tool: string };

export type ResponseFormat = 'text' | 'json';

export interface ModelRequest {
  readonly route: ModelRoute;
  readonly system?: string;
  readonly messages: readonly ModelMessage[];
  readonly tools?: readonly ToolDefinition[];
  readonly toolChoice?: ToolChoice;
  readonly temperature?: number;
  readonly maxOutputTokens?: number;
  readonly stop?: readonly string[];
  readonly responseFormat?: ResponseFormat;
  /**
   * The caller vouches that any answer to this exact request is as good as another, so the
   * memo may reuse it across runs even at a temperature above 0.
   */
  readonly memoizable?: boolean;
}

export function formatRoute(route: ModelRoute): string {
  return `${route.provider}/${route.model}`;
}
