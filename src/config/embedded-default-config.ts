import { defaultRoleName } from './workflow-roles.js';
import { DEFAULT_JANITOR_CONFIG, DEFAULT_MEMORY_CONFIG, DEFAULT_WORKTREES_CONFIG, DEFAULT_QUEUE_CONFIG, defaultLearningConfig, defaultOverlayConfig, type WhaleflowConfig } from './whaleflow-config.js';

export const mockProviderId = 'mock';
export const mockModelId = 'mock-default';

/**
 * The configuration used when no file exists: every role routes to the deterministic mock, so
 * CI and the quick start run offline and never spend money. The mock is genuinely free, so its
 * prices are a known zero, not unknown.
 */
export const embeddedDefaultConfig: WhaleflowConfig = {
  providers: new Map([[mockProviderId, { id: mockProviderId, kind: 'mock' }]]),
  models: [
    {
      provider: mockProviderId,
      model: mockModelId,
      capabilities: { toolCalls: true, jsonMode: true, promptCache: false, contextWindow: 128_000, maxOutputTokens: 8_192 },
      prices: { inputCacheMiss: 0, inputCacheHit: 0, output: 0 },
    },
  ],
  roles: new Map([[defaultRoleName, { primary: { provider: mockProviderId, model: mockModelId }, fallbacks: [], requires: [] }]]),
  memo: { enabled: true, crossRun: 'deterministic' },
  queue: DEFAULT_QUEUE_CONFIG,
  learning: defaultLearningConfig,
  overlay: defaultOverlayConfig,
  memory: DEFAULT_MEMORY_CONFIG,
  janitor: DEFAULT_JANITOR_CONFIG,
  worktrees: DEFAULT_WORKTREES_CONFIG,
};
