import { z } from 'zod';
import { capabilityNames } from './model-capabilities.js';

/** The on-disk shape of `whaleflow.config.yaml` (snake_case, like every file WhaleFlow reads). */

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, ".", "_" or "-" (no "/")');
const environmentVariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const price = z.number().nonnegative();

export const providerFileSchema = z
  .object({
    kind: z.enum(['openai-compatible', 'anthropic', 'mock']),
    base_url: z.url().optional(),
    api_key_env: environmentVariableName.optional(),
    timeout_ms: z.number().int().positive().optional(),
    max_concurrency: z.number().int().positive().optional(),
  })
  .strict();

export const capabilitiesFileSchema = z
  .object({
    tool_calls: z.boolean().default(false),
    json_mode: z.boolean().default(false),
    prompt_cache: z.boolean().default(false),
    context_window: z.number().int().positive().optional(),
    max_output_tokens: z.number().int().positive().optional(),
  })
  .strict();

export const pricesFileSchema = z
  .object({ input_cache_miss: price.optional(), input_cache_hit: price.optional(), output: price.optional() })
  .strict();

export const modelFileSchema = z
  .object({
    provider: identifier,
    /** The provider's own model id; may contain '/'. */
    model: z.string().min(1),
    capabilities: capabilitiesFileSchema.default({ tool_calls: false, json_mode: false, prompt_cache: false }),
    prices: pricesFileSchema.default({}),
  })
  .strict();

/** `provider/model` (split at the first '/') or the two fields spelled out. */
export const routeFileSchema = z.union([
  z.string().regex(/^[^/]+\/.+$/, 'must be "provider/model"'),
  z.object({ provider: identifier, model: z.string().min(1) }).strict(),
]);

export const roleFileSchema = z
  .object({
    primary: routeFileSchema,
    fallbacks: z.array(routeFileSchema).default([]),
    requires: z.array(z.enum(capabilityNames)).default([]),
  })
  .strict();

export const memoFileSchema = z
  .object({
    enabled: z.boolean().default(true),
    cross_run: z.enum(['deterministic', 'always', 'never']).default('deterministic'),
  })
  .strict();

/** Scale-out (docs/distributed.md): leaves run on `whaleflow worker` processes through BullMQ on Redis. */
export const queueFileSchema = z
  .object({
    enabled: z.boolean().default(false),
    url: z.string().regex(/^redis:\/\//, 'a Redis URL such as redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore').default('leaves'),
    unavailable_timeout_secs: z.number().positive().default(60),
    keep_finished_hours: z.number().positive().default(24),
    stall_timeout_secs: z.number().positive().default(30),
    worker_concurrency: z.number().int().positive().default(4),
  })
  .strict();

/** The learning loop (teacher → student replay → promotion gate); off until stable. */
export const learningFileSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Commands a regression-test lesson may add besides those the workflow itself declares. */
    test_commands: z.array(z.string().trim().min(1)).default([]),
    /** Evidence runs the gate's first stage (screen) replays. */
    minibatch: z.number().int().positive().default(3),
    /** Paired tasks the gate's second stage (validate) needs before it decides. */
    min_tasks: z.number().int().positive().default(3),
    /** Held-out runs the gate picks by itself when none are given. */
    held_out: z.number().int().positive().default(8),
    /** Significance level of the gate's tests. */
    alpha: z.number().positive().max(0.5).default(0.05),
    bootstrap_samples: z.number().int().min(100).max(100_000).default(2_000),
    /** Seed of the gate's bootstrap, so a decision can be reproduced. */
    seed: z.number().int().nonnegative().default(1),
    /** Days a rejected lesson is kept before the janitor may purge it. */
    retention_days: z.number().int().nonnegative().default(30),
  })
  .strict();

/** The cached-main overlay of promoted lessons; off until stable. */
export const overlayFileSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Cap of one advisory block in a system prompt, in characters. */
    advisory_max_chars: z.number().int().min(200).max(20_000).default(2_000),
  })
  .strict();

/** External memory (docs/memory.md): off until stable; every limit bounds what one run may load or ask. */
export const memoryFileSchema = z
  .object({
    enabled: z.boolean().default(false),
    max_context_bytes: z.number().int().positive().default(128 * 1024 * 1024),
    max_sub_queries: z.number().int().nonnegative().default(16),
    max_sub_query_chars: z.number().int().min(1000).default(32_000),
    command_timeout_secs: z.number().int().positive().default(600),
    keep_versions: z.number().int().positive().default(5),
  })
  .strict();

export const configFileSchema = z
  .object({
    providers: z.record(identifier, providerFileSchema),
    models: z.array(modelFileSchema).default([]),
    roles: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'role names are lowercase'), roleFileSchema).default({}),
    memo: memoFileSchema.default({ enabled: true, cross_run: 'deterministic' }),
    queue: queueFileSchema.prefault({}),
    learning: learningFileSchema.prefault({}),
    overlay: overlayFileSchema.prefault({}),
    memory: memoryFileSchema.prefault({}),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;
export type RouteFile = z.infer<typeof routeFileSchema>;
