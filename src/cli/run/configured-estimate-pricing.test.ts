import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/index.js';
import { configuredEstimatePricing } from './configured-estimate-pricing.js';

const PROVIDERS = `
providers:
  mock: {kind: mock}
  cheap: {kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key_env: CHEAP_KEY}
  dear: {kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key_env: DEAR_KEY}
`;

describe('pre-flight pricing from the configuration', () => {
  it('prices every call at the most expensive primary route (an upper bound for --max-cost)', () => {
    const config = parseConfigText(
      `${PROVIDERS}
models:
  - {provider: cheap, model: small, prices: {input_cache_miss: 0.2, output: 1.0}}
  - {provider: dear, model: big, prices: {input_cache_miss: 3.0, output: 0.5}}
  - {provider: mock, model: mock-default}
roles:
  default: {primary: mock/mock-default}
  explore: {primary: cheap/small}
  implementer: {primary: dear/big}
`,
      'whaleflow.config.yaml',
    );
    expect(configuredEstimatePricing(config)).toEqual({ inputUsdPerMillionTokens: 3.0, outputUsdPerMillionTokens: 1.0 });
  });

  it('is unknown, not free, when a primary route has no price', () => {
    const config = parseConfigText(
      `${PROVIDERS}
models:
  - {provider: cheap, model: small, prices: {input_cache_miss: 0.2, output: 1.0}}
  - {provider: dear, model: big}
roles:
  default: {primary: cheap/small}
  implementer: {primary: dear/big}
`,
      'whaleflow.config.yaml',
    );
    expect(configuredEstimatePricing(config)).toBeUndefined();
  });
});
