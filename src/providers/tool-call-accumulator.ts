import type { ToolCall } from './model-request.js';
import { MalformedResponseError } from './provider-error.js';

interface PartialToolCall {
  id: string;
  name: string;
  argumentsText: string;
}

/**
 * Assembles tool calls from streamed fragments. Vendors stream the id and name once and the
 * arguments JSON in pieces; the pieces only parse once the call is complete.
 */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, PartialToolCall>();

  constructor(private readonly provider: string) {}

  add(index: number, fragment: { id?: string; name?: string; argumentsDelta?: string }): void {
    const call = this.calls.get(index) ?? { id: '', name: '', argumentsText: '' };
    if (fragment.id) call.id = fragment.id;
    if (fragment.name) call.name += fragment.name;
    if (fragment.argumentsDelta) call.argumentsText += fragment.argumentsDelta;
    this.calls.set(index, call);
  }

  get size(): number {
    return this.calls.size;
  }

  finish(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, call]) => ({
        id: call.id || `call_${index}`,
        name: call.name,
        arguments: parseToolArguments(call.argumentsText, call.name, this.provider),
      }));
  }
}

/** Parses a tool call's arguments, which must be a JSON object (an empty string means `{}`). */
export function parseToolArguments(text: string, toolName: string, provider: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedResponseError(`tool call '${toolName}' has arguments that are not valid JSON`, {
      provider,
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedResponseError(`tool call '${toolName}' has arguments that are not a JSON object`, { provider });
  }
  return parsed as Record<string, unknown>;
}
