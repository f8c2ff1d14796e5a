import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { InvalidInputError, type Diagnostic } from '../util/index.js';
import { configFileSchema, type ConfigFile, type RouteFile } from './config-file-schema.js';
import type { ConfiguredRoute, ModelConfig, ProviderConfig, RolePolicy, WhaleflowConfig } from './whaleflow-config.js';
import { yamlPosition, type YamlPath } from './yaml-positions.js';

/** Field names that would hold a secret; refused so a key is never committed with the config. */
const secretFieldPattern = /^(api[_-]?key|key|token|secret|password|authorization)$/i;

interface ParseContext {
  readonly file: string;
  readonly document: Document;
  readonly lineCounter: LineCounter;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses and validates a config file. Every problem is reported, each at its file:line:col;
 * the error never quotes a value, so a pasted secret does not end up in a terminal or CI log.
 */
export function parseConfigText(text: string, file: string): WhaleflowConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const context: ParseContext = { file, document, lineCounter, diagnostics: [] };
  for (const error of document.errors) {
    const start = error.linePos?.[0];
    context.diagnostics.push({
      severity: 'error',
      code: 'config-yaml',
      message: error.message.split('\n')[0] ?? error.message,
      position: { file, line: start?.line ?? 1, column: start?.col ?? 1 },
    });
  }
  if (context.diagnostics.length > 0) throw invalidConfig(context);

  const raw: unknown = document.toJS() ?? {};
  reportSecretFields(raw, context);
  const parsed = configFileSchema().safeParse(raw);
  if (!parsed.success) reportSchemaIssues(parsed.error.issues, raw, context);
  if (context.diagnostics.length > 0 || !parsed.success) throw invalidConfig(context);

  const config = normalize(parsed.data, file);
  reportBrokenReferences(config, context);
  if (context.diagnostics.length > 0) throw invalidConfig(context);
  return config;
}

function invalidConfig(context: ParseContext): InvalidInputError {
  return new InvalidInputError(context.diagnostics, `invalid configuration file ${context.file}`);
}

function report(context: ParseContext, code: string, message: string, path: YamlPath, atKey?: string): void {
  const position = yamlPosition(context.document, context.lineCounter, context.file, path, atKey);
  context.diagnostics.push({ severity: 'error', code, message, position });
}

function reportSecretFields(raw: unknown, context: ParseContext): void {
  const providers = (raw as { providers?: unknown }).providers;
  if (providers === null || typeof providers !== 'object') return;
  for (const [providerId, entry] of Object.entries(providers)) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const field of Object.keys(entry)) {
      if (!secretFieldPattern.test(field)) continue;
      report(
        context,
        'config-secret',
        `providers.${providerId}.${field}: API keys are never read from the config file; ` +
          `put the key in an environment variable and name that variable in api_key_env`,
        ['providers', providerId],
        field,
      );
    }
  }
}

function reportSchemaIssues(issues: readonly z.core.$ZodIssue[], raw: unknown, context: ParseContext): void {
  for (const issue of issues) {
    const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    const dotted = path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (path[0] === 'providers' && path.length === 2 && secretFieldPattern.test(key)) continue;
        report(context, 'config-unknown-field', `${dotted}: unknown field '${key}'`, path, key);
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && valueAt(raw, path) === undefined;
    report(context, 'config-invalid', missing ? `${dotted}: ${missingFieldMessage(path)}` : `${dotted}: ${issue.message}`, path);
  }
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

// zod's own wording ("expected record, received undefined") names a type the user never wrote.
function missingFieldMessage(path: readonly (string | number)[]): string {
  if (path.length === 1 && path[0] === 'providers') {
    return 'missing required section: a configuration file names its model providers (`whaleflow init` writes a starter file; with no file at all WhaleFlow runs on its embedded defaults)';
  }
  return 'missing required field';
}

function routeFromFile(route: RouteFile): ConfiguredRoute {
  if (typeof route !== 'string') return { provider: route.provider, model: route.model };
  const slash = route.indexOf('/');
  return { provider: route.slice(0, slash), model: route.slice(slash + 1) };
}

function normalize(file: ConfigFile, sourceFile: string): WhaleflowConfig {
  const providers = new Map<string, ProviderConfig>();
  for (const [id, entry] of Object.entries(file.providers)) {
    providers.set(id, {
      id,
      kind: entry.kind,
      baseUrl: entry.base_url,
      apiKeyEnv: entry.api_key_env,
      timeoutMs: entry.timeout_ms,
      maxConcurrency: entry.max_concurrency,
    });
  }
  const models: ModelConfig[] = file.models.map((entry) => ({
    provider: entry.provider,
    model: entry.model,
    ...(entry.revision !== undefined ? { revision: entry.revision } : {}),
    capabilities: {
      toolCalls: entry.capabilities.tool_calls,
      jsonMode: entry.capabilities.json_mode,
      promptCache: entry.capabilities.prompt_cache,
      contextWindow: entry.capabilities.context_window,
      maxOutputTokens: entry.capabilities.max_output_tokens,
    },
    prices: {
      inputCacheMiss: entry.prices.input_cache_miss,
      inputCacheHit: entry.prices.input_cache_hit,
      output: entry.prices.output,
    },
  }));
  const roles = new Map<string, RolePolicy>();
  for (const [name, entry] of Object.entries(file.roles)) {
    roles.set(name, {
      primary: routeFromFile(entry.primary),
      fallbacks: entry.fallbacks.map(routeFromFile),
      requires: entry.requires,
    });
  }
  const queue = {
    enabled: file.queue.enabled,
    url: file.queue.url,
    name: file.queue.name,
    unavailableTimeoutSecs: file.queue.unavailable_timeout_secs,
    keepFinishedHours: file.queue.keep_finished_hours,
    stallTimeoutSecs: file.queue.stall_timeout_secs,
    workerConcurrency: file.queue.worker_concurrency,
    batchMaxLeaves: file.queue.batch_max_leaves,
    workerCachedRuns: file.queue.worker_cached_runs,
  };
  const learning = {
    enabled: file.learning.enabled,
    testCommands: file.learning.test_commands,
    minibatch: file.learning.minibatch,
    minTasks: file.learning.min_tasks,
    heldOut: file.learning.held_out,
    alpha: file.learning.alpha,
    bootstrapSamples: file.learning.bootstrap_samples,
    seed: file.learning.seed,
    retentionDays: file.learning.retention_days,
  };
  const overlay = { enabled: file.overlay.enabled, advisoryMaxChars: file.overlay.advisory_max_chars };
  const memory = {
    enabled: file.memory.enabled,
    maxContextBytes: file.memory.max_context_bytes,
    maxSubQueries: file.memory.max_sub_queries,
    maxSubQueryChars: file.memory.max_sub_query_chars,
    commandTimeoutSecs: file.memory.command_timeout_secs,
    keepVersions: file.memory.keep_versions,
  };
  const janitor = {
    auto: file.janitor.auto,
    autoIntervalMinutes: file.janitor.auto_interval_minutes,
    maxDatabaseMb: file.janitor.max_database_mb,
    keepRecentRuns: file.janitor.keep_recent_runs,
    keepPasses: file.janitor.keep_passes,
    memo: {
      maxEntries: file.janitor.memo.max_entries,
      maxMb: file.janitor.memo.max_mb,
      eviction: file.janitor.memo.eviction,
      maxAgeDays: file.janitor.memo.max_age_days,
    },
    lessons: {
      judgeRuns: file.janitor.lessons.judge_runs,
      unusedRuns: file.janitor.lessons.unused_runs,
      ...(file.janitor.lessons.rejected_retention_days !== undefined ? { rejectedRetentionDays: file.janitor.lessons.rejected_retention_days } : {}),
    },
    compaction: {
      enabled: file.janitor.compaction.enabled,
      afterDays: file.janitor.compaction.after_days,
      blobThresholdBytes: file.janitor.compaction.blob_threshold_bytes,
    },
    memoryMaxAgeDays: file.janitor.memory_max_age_days,
    orphanedWorktrees: file.janitor.orphaned_worktrees,
  };
  return { sourceFile, providers, models, roles, memo: { enabled: file.memo.enabled, crossRun: file.memo.cross_run }, queue, learning, overlay, memory, janitor, worktrees: { link: file.worktrees.link } };
}

function reportBrokenReferences(config: WhaleflowConfig, context: ParseContext): void {
  const seen = new Set<string>();
  config.models.forEach((model, index) => {
    if (!config.providers.has(model.provider)) {
      report(context, 'config-unknown-provider', `models.${index}.provider: no provider '${model.provider}' is defined`, ['models', index, 'provider']);
    }
    const routeKey = `${model.provider}\u0000${model.model}`;
    if (seen.has(routeKey)) {
      report(context, 'config-duplicate-model', `models.${index}: ${model.provider}/${model.model} is listed twice`, ['models', index]);
    }
    seen.add(routeKey);
  });
  for (const [name, policy] of config.roles) {
    const routes: Array<[ConfiguredRoute, YamlPath]> = [
      [policy.primary, ['roles', name, 'primary']],
      ...policy.fallbacks.map((route, index): [ConfiguredRoute, YamlPath] => [route, ['roles', name, 'fallbacks', index]]),
    ];
    for (const [route, path] of routes) {
      const where = path.join('.');
      if (!config.providers.has(route.provider)) {
        report(context, 'config-unknown-provider', `${where}: no provider '${route.provider}' is defined`, path);
      } else if (!seen.has(`${route.provider}\u0000${route.model}`)) {
        report(context, 'config-unknown-model', `${where}: model ${route.provider}/${route.model} is not listed under models`, path);
      }
    }
  }
}
