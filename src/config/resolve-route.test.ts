import { describe, expect, it } from 'vitest';
import { embeddedDefaultConfig } from './embedded-default-config.js';
import { parseConfigText } from './parse-config.js';
import { resolveRoute } from './resolve-route.js';
import { RouteResolutionError } from './route-resolution-error.js';
import { workflowRoles } from './workflow-roles.js';

const config = parseConfigText(
  `
providers:
  fast: { kind: openai-compatible, base_url: http://127.0.0.1:1/v1 }
  smart: { kind: anthropic, api_key_env: SMART_KEY }
  mock: { kind: mock }
models:
  - { provider: fast, model: Org/fast-1, capabilities: { tool_calls: false, json_mode: true } }
  - { provider: smart, model: smart-2, capabilities: { tool_calls: true }, prices: { input_cache_miss: 3, output: 15 } }
  - { provider: mock, model: mock-default, capabilities: { tool_calls: true, json_mode: true } }
roles:
  implementer: { primary: fast/Org/fast-1, fallbacks: [smart/smart-2], requires: [tool_calls] }
  explore: { primary: fast/Org/fast-1 }
  judge: { primary: smart/smart-2, requires: [json_mode] }
  default: { primary: mock/mock-default }
`,
  'test.yaml',
);

describe('resolveRoute', () => {
  it('routes every workflow role to the mock with the embedded defaults', () => {
    for (const role of workflowRoles) {
      expect(resolveRoute(embeddedDefaultConfig, { role })).toMatchObject({ provider: 'mock', model: 'mock-default', reason: 'role_default' });
    }
  });

  it("uses the role's primary when it satisfies the requirements", () => {
    expect(resolveRoute(config, { role: 'explore' })).toMatchObject({ provider: 'fast', model: 'Org/fast-1', reason: 'primary', policyRole: 'explore' });
  });

  it('falls back when the primary lacks a required capability', () => {
    const route = resolveRoute(config, { role: 'implementer' });
    expect(route).toMatchObject({ provider: 'smart', model: 'smart-2', reason: 'fallback', requires: ['tool_calls'] });
    expect(route.prices).toEqual({ inputCacheMiss: 3, inputCacheHit: undefined, output: 15 });
  });

  it('adds per-call requirements to the role requirements', () => {
    expect(() => resolveRoute(config, { role: 'explore', requires: ['prompt_cache'] })).toThrow(RouteResolutionError);
  });

  it('uses the role of the agent type, then the default role', () => {
    expect(resolveRoute(config, { role: 'unconfigured', agentType: 'explore' })).toMatchObject({ provider: 'fast', reason: 'role_default' });
    expect(resolveRoute(config, { role: 'reviewer', agentType: 'review' })).toMatchObject({ provider: 'mock', reason: 'role_default' });
  });

  it("prefers the workflow's model_policy, with fallback_models as provider/model or bare model", () => {
    expect(resolveRoute(config, { role: 'explore', modelPolicy: { provider: 'smart', model: 'smart-2' } })).toMatchObject({
      provider: 'smart',
      reason: 'workflow_policy',
    });
    const route = resolveRoute(config, {
      role: 'implementer',
      modelPolicy: { provider: 'fast', model: 'Org/fast-1', fallback_models: ['smart/smart-2'] },
    });
    expect(route).toMatchObject({ provider: 'smart', model: 'smart-2', reason: 'fallback' });
    expect(resolveRoute(config, { role: 'explore', modelPolicy: { model: 'smart-2' } })).toMatchObject({ provider: 'smart' });
  });

  it('lists the remaining satisfying candidates for failover', () => {
    expect(resolveRoute(config, { role: 'explore', modelPolicy: { provider: 'fast', model: 'Org/fast-1', fallback_models: ['mock/mock-default'] } }).fallbacks).toEqual([
      { provider: 'mock', model: 'mock-default' },
    ]);
  });

  it('names the role and each rejected candidate when nothing fits', () => {
    expect(() => resolveRoute(config, { role: 'judge' })).toThrow(
      "no model is configured for role 'judge' (requires json_mode): smart/smart-2: lacks json_mode",
    );
    const noDefault = { ...config, roles: new Map([...config.roles].filter(([name]) => name !== 'default')) };
    expect(() => resolveRoute(noDefault, { role: 'teacher' })).toThrow(/role 'teacher'/);
  });
});
