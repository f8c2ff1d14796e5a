import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { FanOutEventSink, type EngineEnvironment, type EstimatePricing, type LeafRunner, type ModelGateway, type RunEventSink } from '../../engine/index.js';
import { EMPTY_MOCK_FIXTURE, loadMockFixture, MockLeafRunner, MockModelGateway } from '../../leaves/mock/index.js';
import { createRuntime } from '../../wiring/index.js';
import { configuredEstimatePricing } from './configured-estimate-pricing.js';
import { UsageError } from '../../util/index.js';
import { openRunMemoStore } from './open-run-memo-store.js';

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
  readonly environment: EngineEnvironment;
  readonly runId: string;
  /** Sinks that observe the run (progress display…); the trace sink joins them here. */
  readonly observers: readonly RunEventSink[];
}

export interface ComposedRun {
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  readonly sink: RunEventSink;
  /** Prices for the pre-flight estimate; undefined when unknown. */
  readonly pricing?: EstimatePricing;
  /** Whether leaves run for real (git worktrees, commands), not as the engine's mock. */
  readonly realLeaves: boolean;
  /** Releases what the composition opened (the memo's database connection); idempotent. */
  close(): void;
}

const FREE: EstimatePricing = { inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0 };

/**
 * The one place a `whaleflow run` is wired: ports for the chosen provider and the event sinks.
 * Recording to the trace store is one more entry in `sinks`.
 */
export async function composeRun(options: ComposeRunOptions): Promise<ComposedRun> {
  const sink = new FanOutEventSink([...options.observers]);
  switch (options.provider) {
    case 'mock': {
      const fixture = options.fixturesPath ? await loadMockFixture(resolve(options.cwd, options.fixturesPath)) : EMPTY_MOCK_FIXTURE;
      const pricing = fixture.pricing ? { inputUsdPerMillionTokens: fixture.pricing.input_usd_per_million, outputUsdPerMillionTokens: fixture.pricing.output_usd_per_million } : FREE;
      return { leafRunner: new MockLeafRunner(options.environment, fixture), gateway: new MockModelGateway(options.environment, fixture), sink, pricing, realLeaves: false, close: () => undefined };
    }
    case 'mock-model':
    case 'config': {
      if (options.fixturesPath && options.provider === 'config') throw new UsageError('--fixtures scripts the mock providers; use it with --provider mock or mock-model');
      const fixture = options.fixturesPath ? await loadMockFixture(resolve(options.cwd, options.fixturesPath)) : undefined;
      const config = loadConfig({ cwd: options.cwd, env: options.env });
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
      });
      const pricing = options.provider === 'mock-model' ? FREE : configuredEstimatePricing(config);
      return {
        leafRunner: runtime.leafRunner,
        gateway: runtime.gateway,
        sink,
        ...(pricing ? { pricing } : {}),
        realLeaves: true,
        close: once(() => memoStore?.close()),
      };
    }
  }
}

/** A function that does its work the first time only (close may be reached from a finally and an error path). */
function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
