import { assertNever } from '../util/index.js';
/** Yes/no abilities a role can require of a model. */
export const capabilityNames = ['tool_calls', 'json_mode', 'prompt_cache'] as const;
export type CapabilityName = (typeof capabilityNames)[number];

export interface ModelCapabilities {
  readonly toolCalls: boolean;
  readonly jsonMode: boolean;
  readonly promptCache: boolean;
  readonly contextWindow?: number;
  readonly maxOutputTokens?: number;
}

export function hasCapability(capabilities: ModelCapabilities, name: CapabilityName): boolean {
  switch (name) {
    case 'tool_calls':
      return capabilities.toolCalls;
    case 'json_mode':
      return capabilities.jsonMode;
    case 'prompt_cache':
      return capabilities.promptCache;
    default:
      return assertNever(name, 'capability');
  }
}

