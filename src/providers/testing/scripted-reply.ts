import type { ToolCall } from '../model-request.js';

/** A vendor-neutral description of one answer, which each conformance harness plays its own way. */
export interface ScriptedReply {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly cacheHitInputTokens: number };
}
