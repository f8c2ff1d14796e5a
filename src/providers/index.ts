export type { ModelClient, ModelCallOptions, ModelStreamEvent } from './model-client.js';
export {
  formatRoute,
  type ModelRequest,
  type ModelRoute,
  type ModelMessage,
  type UserMessage,
  type AssistantMessage,
  type ToolResultMessage,
  type ToolCall,
  type ToolDefinition,
  type ToolChoice,
  type ResponseFormat,
} from './model-request.js';
export {
  zeroUsage,
  addUsage,
  usageFromCounts,
  type ModelResponse,
  type TokenUsage,
  type FinishReason,
} from './model-response.js';
export {
  ProviderError,
  RateLimitError,
  ServerError,
  ConnectionError,
  TimeoutError,
  AuthenticationError,
  BadRequestError,
  MalformedResponseError,
  IncompleteResponseError,
  RequestCancelledError,
  isProviderError,
  providerErrorFromStatus,
  type ProviderErrorDetails,
} from './provider-error.js';
export { incompleteResponseError } from './incomplete-response.js';
export { RetryingModelClient, RetryAfterTooLongError, defaultRetryPolicy, type RetryPolicy, type RetryAttempt, type RetryingModelClientOptions } from './retrying-model-client.js';
export { RoutedModelClient } from './routed-model-client.js';
export { createModelClient, createProviderClient, type CreateModelClientOptions } from './create-model-client.js';
export { realSleep, type Sleep } from './sleep.js';
export { streamFromResponse, collectStream } from './response-stream.js';
export { canonicalJson, requestFingerprint, requestText, estimateTokens } from './request-fingerprint.js';
export { priceUsage } from './price-usage.js';
export {
  sumCosts,
  addCost,
  addCostTotals,
  exactMicroUsd,
  formatMicroUsd,
  formatCostTotal,
  emptyCostTotal,
  type CostTotal,
} from './cost-total.js';
export * from './mock/index.js';
// Vendor clients are reached through createProviderClient, which loads their SDKs on first
// use; import './openai-compatible/index.js' or './anthropic/index.js' to use one directly.
export type { OpenAiCompatibleClientOptions } from './openai-compatible/index.js';
export type { AnthropicClientOptions } from './anthropic/index.js';
export { DeferredModelClient } from './deferred-model-client.js';
