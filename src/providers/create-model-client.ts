import { findModel, type ProviderConfig, type WhaleflowConfig } from '../config/index.js';
import { assertNever, registerSecretVariable } from '../util/index.js';
import { DeferredModelClient } from './deferred-model-client.js';
import { MockModelClient, type MockScriptInput } from './mock/index.js';
import type { ModelClient } from './model-client.js';
import { RetryingModelClient, type RetryingModelClientOptions } from './retrying-model-client.js';
import { RoutedModelClient } from './routed-model-client.js';
import type { Sleep } from './sleep.js';

export interface CreateModelClientOptions {
  /** Where API keys are read from; keys are never stored anywhere else. */
  readonly env: NodeJS.ProcessEnv;
  /** Script for every provider of kind `mock`. */
  readonly mockScript?: MockScriptInput;
  readonly sleep?: Sleep;
  readonly retry?: Omit<RetryingModelClientOptions, 'sleep'>;
  readonly now?: () => number;
}

/** One provider's client, without retries. */
export function createProviderClient(
  provider: ProviderConfig,
  config: WhaleflowConfig,
  options: CreateModelClientOptions,
): ModelClient {
  if (provider.apiKeyEnv) registerSecretVariable(provider.apiKeyEnv); // whatever its name, its value is never written down
  const apiKey = provider.apiKeyEnv ? options.env[provider.apiKeyEnv] || undefined : undefined;
  switch (provider.kind) {
    case 'mock':
      return new MockModelClient({ script: options.mockScript, sleep: options.sleep });
    case 'openai-compatible':
      return new DeferredModelClient(async () => {
        const { OpenAiCompatibleClient } = await import('./openai-compatible/index.js');
        return new OpenAiCompatibleClient({
          providerId: provider.id,
          baseUrl: provider.baseUrl ?? 'http://127.0.0.1:8000/v1',
          apiKey,
          apiKeyEnv: provider.apiKeyEnv,
          timeoutMs: provider.timeoutMs,
          maxOutputTokensFor: (model) => findModel(config, { provider: provider.id, model })?.capabilities.maxOutputTokens,
          now: options.now,
        });
      });
    case 'anthropic':
      return new DeferredModelClient(async () => {
        const { AnthropicClient } = await import('./anthropic/index.js');
        return new AnthropicClient({
          providerId: provider.id,
          baseUrl: provider.baseUrl,
          apiKey,
          apiKeyEnv: provider.apiKeyEnv,
          timeoutMs: provider.timeoutMs,
          maxOutputTokensFor: (model) => findModel(config, { provider: provider.id, model })?.capabilities.maxOutputTokens,
          now: options.now,
        });
      });
    default:
      return assertNever(provider.kind, 'provider kind');
  }
}

/**
 * The client the engine uses: dispatches each request to its route's provider, each provider
 * wrapped in the one retry loop. Wrap the result in a MemoizingModelClient for ARMH.
 */
export function createModelClient(config: WhaleflowConfig, options: CreateModelClientOptions): ModelClient {
  const clients = new Map<string, ModelClient>();
  for (const provider of config.providers.values()) {
    const client = createProviderClient(provider, config, options);
    clients.set(provider.id, new RetryingModelClient(client, { ...options.retry, sleep: options.sleep }));
  }
  return new RoutedModelClient(clients);
}
