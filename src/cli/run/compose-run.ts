import { resolve } from 'node:path';
import { loadConfig, type QueueConfig } from '../../config/index.js';
import { FanOutEventSink, type EngineEnvironment, type EstimatePricing, type LeafRunner, type MemoryPort, type ModelGateway, type RunEventSink } from '../../engine/index.js';
import type { ProjectMemory } from '../../memory/index.js';
import { projectTracePath } from '../../trace/index.js';
import { EMPTY_MOCK_FIXTURE, loadMockFixture, MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import type { UnusableRoute } from '../../wiring/index.js';
import type { WorkflowSpec } from '../../ir/index.js';
import type { SandboxMode } from '../../leaves/index.js';
import { embeddedDefaultConfig, type WhaleflowConfig } from '../../config/index.js';
import type { LeafQueueStats, QueueRunContext } from '../../queue/index.js';
import { configuredEstimatePricing } from './configured-estimate-pricing.js';
import { SecretRedactor, UsageError } from '../../util/index.js';
import type { MemoStore } from '../../memo/index.js';

/** How long a worker's lead on a memo flight holds without renewal (workers renew every 5 s). */
const MEMO_LEASE_MS = 30_000;

/**
 * Where a run's effects go: `mock` is the engine's deterministic mock leaf runner and gateway
 * (scripted by --fixtures, offline, free); `mock-model` runs the real leaves against the
 * mock model (scripted by the fixture's `model:` section); `config` uses the configured providers.
 */
export const RUN_PROVIDERS = ['mock', 'mock-model', 'config'] as const;
export type RunProvider = (typeof RUN_PROVIDERS)[number];

export interface ComposeRunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly provider: RunProvider;
  readonly fixturesPath?: string;
  /** Keep leaves' git worktrees after they finish (for debugging); real leaves only. */
  readonly keepWorktrees?: boolean;
  /** How leaf commands are confined: bubblewrap unless the user passed --no-sandbox. */
  readonly sandbox?: SandboxMode;
  readonly environment: EngineEnvironment;
  readonly runId: string;
  /** Sinks that observe the run (progress display…); the trace sink joins them here. */
  readonly observers: readonly RunEventSink[];
  /** `--queue URL`: send leaves to workers through this Redis (else the configuration's `queue:` decides). */
  readonly queueUrl?: string;
  /** The first run of a resume chain, from which queue job ids derive (default: this run). */
  readonly lineage?: string;
}

export interface ComposedRun {
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  readonly sink: RunEventSink;
  /** Prices for the pre-flight estimate; undefined when unknown. */
  readonly pricing?: EstimatePricing;
  /** Whether leaves run for real (git worktrees, commands), not as the engine's mock. */
  readonly realLeaves: boolean;
  /** Where leaves run: in this process, or on the workers of a queue. */
  readonly placement: RunPlacement;
  /**
   * The pre-flight's credential check (configured providers only): the routes the workflow's
   * model calls would take whose API key is unset, or that do not resolve. `skip` leaves out
   * nodes that will not run live.
   */
  readonly unusableRoutes?: (spec: WorkflowSpec, skip?: (nodeId: string) => boolean) => UnusableRoute[];
  /** The project's memory store, when the configuration enables external memory. */
  readonly memory?: MemoryPort;
  /** Releases what the composition opened (the memo's database connection, the queue); idempotent. */
  close(): Promise<void>;
}

export type RunPlacement = { readonly kind: 'in-process' } | { readonly kind: 'queue'; readonly url: string; readonly queueName: string; stats(): LeafQueueStats };

const FREE: EstimatePricing = { inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0 };

/**
 * The one place a `whaleflow run` is wired: ports for the chosen provider and the event sinks.
 * Recording to the trace store is one more entry in `sinks`. What only some runs use — real
 * leaves and configured providers (the composition root), the memo, external memory, the
 * queue — is loaded by the runs that use it: a mock run's start does not build their modules.
 */
export async function composeRun(options: ComposeRunOptions): Promise<ComposedRun> {
  const local = await composeInProcess(options);
  const queue = queueSettings(options, local.config);
  if (!queue) return local.composed;
  try {
    return await composeQueued(options, local, queue);
  } catch (error) {
    await local.composed.close();
    throw error;
  }
}

interface InProcessComposition {
  readonly composed: ComposedRun;
  readonly config: WhaleflowConfig;
  readonly runContext: QueueRunContext;
  /** The run's memo store, when leaves call models and the memo is on: a queue's workers are served from it. */
  readonly memoStore?: MemoStore;
}

async function composeInProcess(options: ComposeRunOptions): Promise<InProcessComposition> {
  const sink = new FanOutEventSink([...options.observers]);
  const inProcess: RunPlacement = { kind: 'in-process' };
  switch (options.provider) {
    case 'mock': {
      const fixture = options.fixturesPath ? await loadMockFixture(resolve(options.cwd, options.fixturesPath), options.fixturesPath) : EMPTY_MOCK_FIXTURE;
      const pricing = fixture.pricing ? { inputUsdPerMillionTokens: fixture.pricing.input_usd_per_million, outputUsdPerMillionTokens: fixture.pricing.output_usd_per_million } : FREE;
      // The pure mock reads no configuration, except where its leaves run.
      const config = options.queueUrl ? embeddedDefaultConfig : loadConfig({ cwd: options.cwd, env: options.env });
      // Memory follows the user's configuration under every provider (it is off unless enabled there).
      const memory = await openRunMemory(options, options.queueUrl ? loadConfig({ cwd: options.cwd, env: options.env }) : config);
      const composed: ComposedRun = {
        leafRunner: new MockLeafRunner(options.environment, fixture),
        gateway: new MockModelGateway(options.environment, fixture, { keepRequests: false }),
        sink,
        pricing,
        realLeaves: false,
        placement: inProcess,
        ...(memory ? { memory: memory.service } : {}),
        close: once(async () => memory?.close()),
      };
      return { composed, config, runContext: { version: 1, provider: 'pure-mock', fixture } };
    }
    case 'mock-model':
    case 'config': {
      if (options.fixturesPath && options.provider === 'config') throw new UsageError('--fixtures scripts the mock providers; use it with --provider mock or mock-model');
      const fixture = options.fixturesPath ? await loadMockFixture(resolve(options.cwd, options.fixturesPath), options.fixturesPath) : undefined;
      const config = loadConfig({ cwd: options.cwd, env: options.env });
      const [{ createRuntime, unusableRoutes }, { openRunMemoStore }] = await Promise.all([import('../../wiring/index.js'), import('./open-run-memo-store.js')]);
      // The memo outlives the run in the project database; the user's memo settings apply under mock-model too.
      const memoStore = openRunMemoStore({ cwd: options.cwd, env: options.env, memo: config.memo });
      const runtime = createRuntime({
        cwd: options.cwd,
        env: options.env,
        config,
        provider: options.provider === 'mock-model' ? 'mock' : 'config',
        environment: options.environment,
        runId: options.runId,
        ...(memoStore ? { memoStore } : {}),
        ...(fixture?.model ? { fixtures: { modelScript: fixture.model } } : {}),
        ...(options.keepWorktrees ? { keepWorktrees: true } : {}),
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      });
      const pricing = options.provider === 'mock-model' ? FREE : configuredEstimatePricing(config);
      const memory = await openRunMemory(options, config);
      const composed: ComposedRun = {
        leafRunner: runtime.leafRunner,
        gateway: runtime.gateway,
        sink,
        ...(pricing ? { pricing } : {}),
        realLeaves: true,
        placement: inProcess,
        // The mock model needs no key; configured providers do.
        ...(options.provider === 'config' ? { unusableRoutes: (spec: WorkflowSpec, skip?: (nodeId: string) => boolean) => unusableRoutes(spec, config, options.env, skip) } : {}),
        ...(memory ? { memory: memory.service } : {}),
        close: once(async () => {
          memoStore?.close();
          memory?.close();
        }),
      };
      const runContext: QueueRunContext = {
        version: 1,
        provider: options.provider === 'mock-model' ? 'mock' : 'config',
        ...(fixture?.model ? { modelScript: fixture.model } : {}),
        ...(options.keepWorktrees ? { keepWorktrees: true } : {}),
      };
      return { composed, config, runContext, ...(memoStore ? { memoStore } : {}) };
    }
  }
}

/** The queue a run uses: `--queue URL`, else the configuration's `queue:` when enabled, else none. */
function queueSettings(options: ComposeRunOptions, config: WhaleflowConfig): QueueConfig | undefined {
  if (options.queueUrl) return { ...config.queue, enabled: true, url: options.queueUrl };
  return config.queue.enabled ? config.queue : undefined;
}

/**
 * Leaves go to the queue's workers; control nodes, the gateway and the trace stay here. Leaves
 * that write the user's own working tree (shared isolation) still run here: a worker's checkout
 * is not that tree.
 */
async function composeQueued(options: ComposeRunOptions, local: InProcessComposition, settings: QueueConfig): Promise<ComposedRun> {
  // Loaded only for a queued run: an in-process run does not pay for BullMQ and ioredis.
  const [{ BullmqLeafQueue, parseRedisUrl }, { headCommit, QueueLeafRunner }, { MemoBroker }] = await Promise.all([import('../../queue/bullmq/index.js'), import('../../queue/index.js'), import('../../memo/index.js')]);
  // The coordinator serves its memo to the workers: one policy, one project memo, single-flight across them.
  const broker = local.memoStore ? new MemoBroker({ store: local.memoStore, policy: { crossRun: local.config.memo.crossRun }, leaseMs: MEMO_LEASE_MS }) : undefined;
  const runContext: QueueRunContext = local.composed.realLeaves
    ? { ...local.runContext, baseCommit: await headCommit(options.cwd), ...(broker ? { memo: 'coordinator' as const } : {}) }
    : local.runContext;
  const redactor = new SecretRedactor(options.env);
  // The run's settings are stored in Redis for every worker: a secret in them (a mock model script quoting a key) would go along.
  if (redactor.mayContainSecret(JSON.stringify(runContext))) throw new UsageError('the run cannot go to the queue: its settings (the mock model script) contain a secret known to this run, and they would be stored in Redis');
  const queue = await BullmqLeafQueue.open({
    url: settings.url,
    queueName: settings.name,
    lineage: options.lineage ?? options.runId,
    runContext,
    unavailableTimeoutMs: settings.unavailableTimeoutSecs * 1000,
    keepFinishedSeconds: Math.round(settings.keepFinishedHours * 3600),
    batchMaxLeaves: settings.batchMaxLeaves,
    now: options.environment.now,
    ...(broker ? { memo: { broker, runId: options.runId } } : {}),
  });
  const leafRunner = new QueueLeafRunner({ queue, lineage: options.lineage ?? options.runId, runContext: queue.runContextId, now: options.environment.now, local: local.composed.leafRunner, redactor });
  return {
    ...local.composed,
    leafRunner,
    placement: { kind: 'queue', url: parseRedisUrl(settings.url).display, queueName: settings.name, stats: () => queue.stats() },
    close: once(async () => {
      await queue.close();
      broker?.close();
      await local.composed.close();
    }),
  };
}

/** The memory store of a run, in the project database, when the configuration turns memory on. */
async function openRunMemory(options: Pick<ComposeRunOptions, 'cwd' | 'env' | 'sandbox'>, config: WhaleflowConfig): Promise<ProjectMemory | undefined> {
  if (!config.memory.enabled) return undefined;
  const [{ openProjectMemory }, { protectedStatePaths }] = await Promise.all([import('../../memory/index.js'), import('../../wiring/index.js')]);
  // A context's command is confined like every leaf command (the same --no-sandbox choice).
  const sandbox = { mode: options.sandbox ?? 'bubblewrap', protectedPaths: protectedStatePaths(options.cwd, options.env) } as const;
  return openProjectMemory({ databasePath: projectTracePath({ cwd: options.cwd, env: options.env }), cwd: options.cwd, env: options.env, config: config.memory, sandbox });
}

/** A function that does its work the first time only (close may be reached from a finally and an error path). */
function once(action: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= action());
}
