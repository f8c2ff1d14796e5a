import type { ToolCall } from './model-request.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error';

/**
 * Token counts of one call. `inputTokens` is the whole prompt; the two cache fields split it
 * into what the provider's own prefix cache served (hit) and what it processed afresh (miss),
 * because the two are priced differently.
 */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheHitInputTokens: number;
  readonly cacheMissInputTokens: number;
}

export interface ModelResponse {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly finishReason: FinishReason;
  readonly usage: TokenUsage;
}

export const zeroUsage: TokenUsage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheHitInputTokens: 0,
  cacheMissInputTokens: 0,
});

export function addUsage(left: TokenUsage, right: TokenUsage): TokenUsage {
  return {
    inputTokens: left.inputTokens + right.inputTokens,
    outputTokens: left.outputTokens + right.outputTokens,
    cacheHitInputTokens: left.cacheHitInputTokens + right.cacheHitInputTokens,
    cacheMissInputTokens: left.cacheMissInputTokens + right.cacheMissInputTokens,
  };
}

/**
 * Builds a usage from the counts a provider reports. Providers that say nothing about their
 * cache get every input token counted as a miss, which is what they were billed as.
 */
export function usageFromCounts(counts: {
  inputTokens: number;
  outputTokens: number;
  cacheHitInputTokens?: number;
}): TokenUsage {
  const cacheHitInputTokens = Math.min(counts.cacheHitInputTokens ?? 0, counts.inputTokens);
  return {
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    cacheHitInputTokens,
    cacheMissInputTokens: counts.inputTokens - cacheHitInputTokens,
  };
}
