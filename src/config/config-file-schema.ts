import { z } from 'zod';
import { capabilityNames } from './model-capabilities.js';

/**
 * The on-disk shape of `whaleflow.config.yaml` (snake_case, like every file WhaleFlow reads),
 * built the first time a config file is read: a command in a project without one (the embedded
 * defaults, see loadConfig) never needs it, and building its ~60 zod schemas cost every start of
 * the CLI (`whaleflow run` included) ~5-8 ms of CPU.
 */
export function configFileSchema(): ConfigFileSchema {
  built ??= buildConfigFileSchema();
  return built;
}

let built: ConfigFileSchema | undefined;

type ConfigFileSchema = ReturnType<typeof buildConfigFileSchema>;
export type ConfigFile = z.infer<ConfigFileSchema>;
/** A role's route as written: `provider/model`, or the two fields spelled out. */
export type RouteFile = ConfigFile['roles'][string]['primary'];

function buildConfigFileSchema() {
  const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, ".", "_" or "-" (no "/")');
  const environmentVariableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
  const price = z.number().nonnegative();

  const providerFileSchema = z
    .object({
      kind: z.enum(['openai-compatible', 'anthropic', 'mock']),
      base_url: z.url().optional(),
      api_key_env: environmentVariableName.optional(),
      timeout_ms: z.number().int().positive().optional(),
      max_concurrency: z.number().int().positive().optional(),
    })
    .strict();

  const capabilitiesFileSchema = z
    .object({
      tool_calls: z.boolean().default(false),
      json_mode: z.boolean().default(false),
      prompt_cache: z.boolean().default(false),
      context_window: z.number().int().positive().optional(),
      max_output_tokens: z.number().int().positive().optional(),
    })
    .strict();

  const pricesFileSchema = z
    .object({ input_cache_miss: price.optional(), input_cache_hit: price.optional(), output: price.optional() })
    .strict();

  const modelFileSchema = z
    .object({
      provider: identifier,
      /** The provider's own model id; may contain '/'. */
      model: z.string().min(1),
      /**
       * What stands behind the name, when the name alone does not say (a local server's weights, a
       * provider's dated snapshot). Changing it makes memo entries and lessons made with the old one stale.
       */
      revision: z.string().min(1).max(200).optional(),
      capabilities: capabilitiesFileSchema.default({ tool_calls: false, json_mode: false, prompt_cache: false }),
      prices: pricesFileSchema.default({}),
    })
    .strict();

  /** `provider/model` (split at the first '/') or the two fields spelled out. */
  const routeFileSchema = z.union([
    z.string().regex(/^[^/]+\/.+$/, 'must be "provider/model"'),
    z.object({ provider: identifier, model: z.string().min(1) }).strict(),
  ]);

  const roleFileSchema = z
    .object({
      primary: routeFileSchema,
      fallbacks: z.array(routeFileSchema).default([]),
      requires: z.array(z.enum(capabilityNames)).default([]),
    })
    .strict();

  const memoFileSchema = z
    .object({
      enabled: z.boolean().default(true),
      cross_run: z.enum(['deterministic', 'always', 'never']).default('deterministic'),
    })
    .strict();

  /** Scale-out (docs/distributed.md): leaves run on `whaleflow worker` processes through BullMQ on Redis. */
  const queueFileSchema = z
    .object({
      enabled: z.boolean().default(false),
      url: z.string().regex(/^redis:\/\//, 'a Redis URL such as redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
      name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore').default('leaves'),
      unavailable_timeout_secs: z.number().positive().default(60),
      keep_finished_hours: z.number().positive().default(24),
      stall_timeout_secs: z.number().positive().default(30),
      worker_concurrency: z.number().int().positive().default(4),
      batch_max_leaves: z.number().int().positive().max(1000).default(64),
      worker_cached_runs: z.number().int().positive().max(10_000).default(8),
    })
    .strict();

  /** The learning loop (teacher → student replay → promotion gate); off until stable. */
  const learningFileSchema = z
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
  const overlayFileSchema = z
    .object({
      enabled: z.boolean().default(false),
      /** Cap of one advisory block in a system prompt, in characters. */
      advisory_max_chars: z.number().int().min(200).max(20_000).default(2_000),
    })
    .strict();

  /** External memory (docs/memory.md): off until stable; every limit bounds what one run may load or ask. */
  const memoryFileSchema = z
    .object({
      enabled: z.boolean().default(false),
      max_context_bytes: z.number().int().positive().default(128 * 1024 * 1024),
      max_sub_queries: z.number().int().nonnegative().default(16),
      max_sub_query_chars: z.number().int().min(1000).default(32_000),
      command_timeout_secs: z.number().int().positive().default(600),
      keep_versions: z.number().int().positive().default(5),
    })
    .strict();

  /** The janitor (docs/janitor.md): what `whaleflow janitor` keeps bounded, and how. */
  const janitorFileSchema = z
    .object({
      /** Run a pass (applied) after each `whaleflow run` finishes; off until stable. */
      auto: z.boolean().default(false),
      /** An automatic pass is skipped while the last pass is younger than this. */
      auto_interval_minutes: z.number().nonnegative().default(60),
      /** Cap on the project database, in MiB (0: no cap): the oldest removable runs go first, then the file is vacuumed. */
      max_database_mb: z.number().nonnegative().default(1024),
      /** The newest runs (with their resumes) that the cap never deletes. */
      keep_recent_runs: z.number().int().nonnegative().default(20),
      /** Passes whose records (what was removed, when and why) are kept; older records go. */
      keep_passes: z.number().int().positive().default(100),
      memo: z
        .object({
          max_entries: z.number().int().nonnegative().default(20_000),
          max_mb: z.number().nonnegative().default(256),
          /** After stale entries: least recently used first (lru) or least often used first (lfu). */
          eviction: z.enum(['lru', 'lfu']).default('lru'),
          /** Entries older than this many days are stale (a hosted model behind a name may change); 0: never. */
          max_age_days: z.number().nonnegative().default(0),
        })
        .strict()
        .prefault({}),
      lessons: z
        .object({
          /** K: a promoted lesson is judged on its last K applied runs (and only once it has K). */
          judge_runs: z.number().int().positive().default(10),
          /** N: a promoted lesson not applied in the last N finished runs is demoted; 0: never. */
          unused_runs: z.number().int().nonnegative().default(50),
          /** Days a rejected lesson is kept; default learning.retention_days. */
          rejected_retention_days: z.number().int().nonnegative().optional(),
        })
        .strict()
        .prefault({}),
      compaction: z
        .object({
          enabled: z.boolean().default(true),
          /** Runs finished at least this many days ago are compacted. */
          after_days: z.number().nonnegative().default(1),
          /** Strings longer than this (UTF-8 bytes) move to content-addressed blobs. */
          blob_threshold_bytes: z.number().int().min(64).default(256),
        })
        .strict()
        .prefault({}),
      /** Unpinned memory contexts not loaded for this many days are removed; 0: never. */
      memory_max_age_days: z.number().nonnegative().default(0),
      /** Remove git worktrees under .whaleflow/ that crashed runs left behind. */
      orphaned_worktrees: z.boolean().default(true),
    })
    .strict();

  /** Git worktrees of isolated leaves (docs/leaves.md#dependencies-in-a-worktree). */
  const worktreesFileSchema = z
    .object({
      /**
       * Ignored folders of the working tree linked (read-only inside the sandbox) into every
       * worktree, so its tests find the dependencies a checkout from HEAD lacks. Repository-relative.
       */
      link: z.array(z.string().trim().min(1).refine((path) => !path.startsWith('/') && !path.split('/').includes('..'), 'a path inside the repository')).default(['node_modules']),
    })
    .strict();

  const configFileSchema = z
    .object({
      providers: z.record(identifier, providerFileSchema),
      models: z.array(modelFileSchema).default([]),
      roles: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'role names are lowercase'), roleFileSchema).default({}),
      memo: memoFileSchema.default({ enabled: true, cross_run: 'deterministic' }),
      queue: queueFileSchema.prefault({}),
      learning: learningFileSchema.prefault({}),
      overlay: overlayFileSchema.prefault({}),
      memory: memoryFileSchema.prefault({}),
      janitor: janitorFileSchema.prefault({}),
      worktrees: worktreesFileSchema.prefault({}),
    })
    .strict();

  return configFileSchema;
}
