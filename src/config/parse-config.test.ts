import { describe, expect, it } from 'vitest';
import { formatDiagnostic, InvalidInputError } from '../util/index.js';
import { parseConfigText } from './parse-config.js';

const validConfig = `
providers:
  deepseek:
    kind: openai-compatible
    base_url: https://api.deepseek.com
    api_key_env: DEEPSEEK_API_KEY
  local:
    kind: openai-compatible
    base_url: http://127.0.0.1:8000/v1
models:
  - provider: deepseek
    model: deepseek-chat
    capabilities: { tool_calls: true, json_mode: true, prompt_cache: true, context_window: 65536 }
    prices: { input_cache_miss: 0.27, input_cache_hit: 0.07, output: 1.10 }
  - provider: local
    model: Qwen/Qwen2.5-Coder-32B-Instruct
roles:
  implementer:
    primary: deepseek/deepseek-chat
    fallbacks: [local/Qwen/Qwen2.5-Coder-32B-Instruct]
    requires: [tool_calls]
  default:
    primary: { provider: local, model: Qwen/Qwen2.5-Coder-32B-Instruct }
memo:
  cross_run: never
`;

function diagnosticsOf(text: string): string[] {
  try {
    parseConfigText(text, 'whaleflow.config.yaml');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic));
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseConfigText', () => {
  it('reads providers, models with capabilities and prices, roles and memo policy', () => {
    const config = parseConfigText(validConfig, 'whaleflow.config.yaml');
    expect(config.providers.get('deepseek')).toEqual({
      id: 'deepseek',
      kind: 'openai-compatible',
      baseUrl: 'https://api.deepseek.com',
      apiKeyEnv: 'DEEPSEEK_API_KEY',
      timeoutMs: undefined,
      maxConcurrency: undefined,
    });
    expect(config.models[0]?.prices).toEqual({ inputCacheMiss: 0.27, inputCacheHit: 0.07, output: 1.1 });
    expect(config.models[1]?.prices).toEqual({ inputCacheMiss: undefined, inputCacheHit: undefined, output: undefined });
    expect(config.roles.get('implementer')?.fallbacks).toEqual([{ provider: 'local', model: 'Qwen/Qwen2.5-Coder-32B-Instruct' }]);
    expect(config.roles.get('default')?.primary.model).toBe('Qwen/Qwen2.5-Coder-32B-Instruct');
    expect(config.memo).toEqual({ enabled: true, crossRun: 'never' });
  });

  it('refuses a literal API key, pointing at it, without repeating the value', () => {
    const text = 'providers:\n  deepseek:\n    kind: openai-compatible\n    api_key: sk-secret-123\n';
    const diagnostics = diagnosticsOf(text);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatch(/^whaleflow\.config\.yaml:4:5: providers\.deepseek\.api_key: API keys are never read from the config file/);
    expect(diagnostics.join('\n')).not.toContain('sk-secret-123');
  });

  it('reports schema problems at file:line:col', () => {
    const text = 'providers:\n  a:\n    kind: telepathy\n  b:\n    kind: mock\n    colour: blue\n';
    const diagnostics = diagnosticsOf(text);
    expect(diagnostics).toContainEqual(expect.stringMatching(/^whaleflow\.config\.yaml:3:11: providers\.a\.kind: /));
    expect(diagnostics).toContainEqual("whaleflow.config.yaml:6:5: providers.b: unknown field 'colour'");
  });

  it('names a missing providers section as missing, not as a type the user never wrote', () => {
    const diagnostics = diagnosticsOf('janitor:\n  max_database_mb: 10\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatch(/^whaleflow\.config\.yaml:1:1: providers: missing required section: a configuration file names its model providers/);
    expect(diagnostics[0]).not.toContain('received undefined');
  });

  it('reports references to undefined providers and unlisted models', () => {
    const text = [
      'providers:',
      '  mock: { kind: mock }',
      'models:',
      '  - { provider: ghost, model: m }',
      'roles:',
      '  plan:',
      '    primary: mock/unlisted',
      '',
    ].join('\n');
    expect(diagnosticsOf(text)).toEqual([
      "whaleflow.config.yaml:4:17: models.0.provider: no provider 'ghost' is defined",
      'whaleflow.config.yaml:7:14: roles.plan.primary: model mock/unlisted is not listed under models',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(diagnosticsOf('providers:\n  a: [unclosed\n')[0]).toMatch(/^whaleflow\.config\.yaml:\d+:\d+: /);
  });
});
