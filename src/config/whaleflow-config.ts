import type { ModelPrices } from './model-prices.js';
import type { CapabilityName, ModelCapabilities } from './model-capabilities.js';

export type ProviderKind = 'openai-compatible' | 'anthropic' | 'mock';

export interface ProviderConfig {
  readonly id: string;
  readonly kind: ProviderKind;
  readonly baseUrl?: string;
  /** Name of the environment variable holding the key; the key itself never enters the config. */
  readonly apiKeyEnv?: string;
  readonly timeoutMs?: number;
  /** Upper bound on simultaneous calls, for the engine's per-provider limit. */
  readonly maxConcurrency?: number;
}

export interface ModelConfig {
  readonly provider: string;
  readonly model: string;
  /** What stands behind the name (weights, a dated snapshot); part of a memo entry's scope. */
  readonly revision?: string;
  readonly capabilities: ModelCapabilities;
  readonly prices: ModelPrices;
}

export interface ConfiguredRoute {
  readonly provider: string;
  readonly model: string;
}

export interface RolePolicy {
  readonly primary: ConfiguredRoute;
  readonly fallbacks: readonly ConfiguredRoute[];
  readonly requires: readonly CapabilityName[];
}

/** When the memo may reuse an answer produced by an earlier run. */
export type CrossRunReuse = 'deterministic' | 'always' | 'never';

export interface MemoConfig {
  readonly enabled: boolean;
  readonly crossRun: CrossRunReuse;
}

/** Where leaves run when a queue is configured (docs/distributed.md); `enabled: false` runs them in-process. */
export interface QueueConfig {
  readonly enabled: boolean;
  readonly url: string;
  readonly name: string;
  /** How long a run waits for an unreachable Redis before its pending leaves fail. */
  readonly unavailableTimeoutSecs: number;
  /** How long finished jobs stay in Redis, so a resumed run can collect them. */
  readonly keepFinishedHours: number;
  /** How soon a worker that died mid-leaf has its job handed to another (its lock's lifetime). */
  readonly stallTimeoutSecs: number;
  /** Leaves a `whaleflow worker` runs at once unless --concurrency says otherwise. */
  readonly workerConcurrency: number;
  /** The most leaves one queue job carries (also bounded by the smallest live worker's concurrency). */
  readonly batchMaxLeaves: number;
  /** Runs whose contexts (settings, runtime, checkout) a worker keeps; idle ones beyond it are dropped. */
  readonly workerCachedRuns: number;
}

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  enabled: false,
  url: 'redis://127.0.0.1:6379',
  name: 'leaves',
  unavailableTimeoutSecs: 60,
  keepFinishedHours: 24,
  stallTimeoutSecs: 30,
  workerConcurrency: 4,
  batchMaxLeaves: 64,
  workerCachedRuns: 8,
};

export interface LearningConfig {
  readonly enabled: boolean;
  readonly testCommands: readonly string[];
  readonly minibatch: number;
  readonly minTasks: number;
  readonly heldOut: number;
  readonly alpha: number;
  readonly bootstrapSamples: number;
  readonly seed: number;
  readonly retentionDays: number;
}

export interface OverlayConfig {
  readonly enabled: boolean;
  readonly advisoryMaxChars: number;
}

export const defaultLearningConfig: LearningConfig = {
  enabled: false,
  testCommands: [],
  minibatch: 3,
  minTasks: 3,
  heldOut: 8,
  alpha: 0.05,
  bootstrapSamples: 2_000,
  seed: 1,
  retentionDays: 30,
};

export const defaultOverlayConfig: OverlayConfig = { enabled: false, advisoryMaxChars: 2_000 };

/** External memory settings (the `memory:` section); see docs/memory.md. */
export interface MemoryConfig {
  readonly enabled: boolean;
  readonly maxContextBytes: number;
  readonly maxSubQueries: number;
  readonly maxSubQueryChars: number;
  readonly commandTimeoutSecs: number;
  readonly keepVersions: number;
}

export const DEFAULT_MEMORY_CONFIG: MemoryConfig = {
  enabled: false,
  maxContextBytes: 128 * 1024 * 1024,
  maxSubQueries: 16,
  maxSubQueryChars: 32_000,
  commandTimeoutSecs: 600,
  keepVersions: 5,
};

/** The janitor's policies (the `janitor:` section); see docs/janitor.md. */
export interface JanitorConfig {
  /** Run a pass after each `whaleflow run` finishes; off by default. */
  readonly auto: boolean;
  readonly autoIntervalMinutes: number;
  /** Cap on the project database in MiB; 0: none. */
  readonly maxDatabaseMb: number;
  /** The newest runs (chains) the cap never deletes. */
  readonly keepRecentRuns: number;
  readonly keepPasses: number;
  readonly memo: {
    readonly maxEntries: number;
    readonly maxMb: number;
    readonly eviction: 'lru' | 'lfu';
    readonly maxAgeDays: number;
  };
  readonly lessons: {
    readonly judgeRuns: number;
    readonly unusedRuns: number;
    /** Undefined: learning.retentionDays. */
    readonly rejectedRetentionDays?: number;
  };
  readonly compaction: {
    readonly enabled: boolean;
    readonly afterDays: number;
    readonly blobThresholdBytes: number;
  };
  readonly memoryMaxAgeDays: number;
  readonly orphanedWorktrees: boolean;
}

export const DEFAULT_JANITOR_CONFIG: JanitorConfig = {
  auto: false,
  autoIntervalMinutes: 60,
  maxDatabaseMb: 1024,
  keepRecentRuns: 20,
  keepPasses: 100,
  memo: { maxEntries: 20_000, maxMb: 256, eviction: 'lru', maxAgeDays: 0 },
  lessons: { judgeRuns: 10, unusedRuns: 50 },
  compaction: { enabled: true, afterDays: 1, blobThresholdBytes: 256 },
  memoryMaxAgeDays: 0,
  orphanedWorktrees: true,
};

/** Git worktrees of isolated leaves (the `worktrees:` section); see docs/leaves.md. */
export interface WorktreesConfig {
  /** Ignored folders of the working tree linked into every worktree. */
  readonly link: readonly string[];
}

export const DEFAULT_WORKTREES_CONFIG: WorktreesConfig = { link: ['node_modules'] };

/** A validated configuration, in camelCase, with every reference checked. */
export interface WhaleflowConfig {
  /** The file it came from, or undefined for the embedded defaults. */
  readonly sourceFile?: string;
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  readonly models: readonly ModelConfig[];
  readonly roles: ReadonlyMap<string, RolePolicy>;
  readonly memo: MemoConfig;
  readonly queue: QueueConfig;
  /** The learning loop; off by default. */
  readonly learning: LearningConfig;
  /** The overlay of promoted lessons applied at run start; off by default. */
  readonly overlay: OverlayConfig;
  readonly memory: MemoryConfig;
  readonly janitor: JanitorConfig;
  readonly worktrees: WorktreesConfig;
}

export function findModel(config: WhaleflowConfig, route: ConfiguredRoute): ModelConfig | undefined {
  return config.models.find((entry) => entry.provider === route.provider && entry.model === route.model);
}

/** Prices by route, for pricing calls and valuing memo savings; undefined for unlisted models. */
export function pricesByRoute(config: WhaleflowConfig): (route: ConfiguredRoute) => ModelPrices | undefined {
  return (route) => findModel(config, route)?.prices;
}
