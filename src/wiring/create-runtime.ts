import { embeddedDefaultConfig, findModel, pricesByRoute, resolveRoute, routeScope, routeScopeText, type WhaleflowConfig } from '../config/index.js';
import { CountingModelClient } from './counting-model-client.js';
import { systemEnvironment, type EngineEnvironment, type LeafRunner, type ModelGateway } from '../engine/index.js';
import { RealLeafRunner, type LeafRouteResolver, type SandboxMode, type SearchEngineChoice } from '../leaves/index.js';
import { EMPTY_MOCK_FIXTURE, MockLeafRunner, MockModelGateway, type MockFixture } from '../leaves/mock/index.js';
import { BrokeredMemoClient, InMemoryMemoStore, MemoizingModelClient, MemoTelemetry, type MemoStore, type RemoteMemo } from '../memo/index.js';
import { createModelClient, MockModelClient, type MockScriptInput, type ModelClient } from '../providers/index.js';
import { ProvidersModelGateway } from './providers-model-gateway.js';
import { protectedStatePaths } from './protected-state-paths.js';

/**
 * - `config`: the configured providers (real vendors, or the mock if the config says so);
 * - `mock`: every route goes to the scripted MockModelClient, and the REAL leaves (tool loop,
 *   commands, search, worktrees) run against it;
 * - `pure-mock`: no model client and no real leaves at all: the engine's MockLeafRunner and
 *   MockModelGateway, scripted by the leaf fixture (what CI's quick runs use).
 */
export type RuntimeProvider = 'config' | 'mock' | 'pure-mock';

export interface CreateRuntimeOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly config: WhaleflowConfig;
  readonly provider?: RuntimeProvider;
  readonly fixtures?: {
    /** Script of the MockModelClient under `mock`. */
    readonly modelScript?: MockScriptInput;
    /** Fixture of the engine's mock leaf runner and gateway under `pure-mock`. */
    readonly leaves?: MockFixture;
  };
  /** The engine's clock; leaf deadlines are read against it. Default: the system clock. */
  readonly environment?: EngineEnvironment;
  /** Where memo entries live; default in memory (the run command may pass the project's SQLite store). */
  readonly memoStore?: MemoStore;
  /** A queue worker's view of its coordinator's memo: used instead of a memo of its own. */
  readonly remoteMemo?: RemoteMemo;
  /** Scope label for gateway calls, and the memo's run for them. */
  readonly runId?: string;
  readonly keepWorktrees?: boolean;
  readonly searchEngine?: SearchEngineChoice;
  /** How leaf commands are confined; default bubblewrap (`none` only for an explicit --no-sandbox). */
  readonly sandbox?: SandboxMode;
  /**
   * Route every leaf and engine call as this role instead of its own (a student replay runs
   * changed work in role `student`); prompts keep the leaf's own role.
   */
  readonly routeAsRole?: string;
}

export interface Runtime {
  readonly leafRunner: LeafRunner;
  readonly gateway: ModelGateway;
  /** The memoized client leaves and the gateway call (undefined under `pure-mock`). */
  readonly modelClient?: ModelClient;
  readonly memoTelemetry: MemoTelemetry;
  /** The configuration routes resolve against (the embedded mock config under `mock`). */
  readonly routingConfig: WhaleflowConfig;
  /** Calls that reached the provider (below the memo): what a run paid for. */
  readonly providerCalls: () => number;
  /**
   * Releases what the runtime made for itself: the memo entries of a store it created (a store
   * passed in stays its owner's). Leaves close their own worktrees as they end, and the model
   * clients hold no connection of their own (fetch's shared pool), so nothing else outlives a
   * leaf. A long-lived process (a queue worker) closes each runtime it drops; call it when no
   * leaf of the runtime runs.
   */
  close(): Promise<void>;
}

const NOTHING_TO_CLOSE = (): Promise<void> => Promise.resolve();

/** The composition root of a live run: providers + memo + pricing + real leaves, behind the engine's ports. */
export function createRuntime(options: CreateRuntimeOptions): Runtime {
  const environment = options.environment ?? systemEnvironment();
  const memoTelemetry = new MemoTelemetry();
  const provider = options.provider ?? 'config';
  if (provider === 'pure-mock') {
    const fixture = options.fixtures?.leaves ?? EMPTY_MOCK_FIXTURE;
    return { leafRunner: new MockLeafRunner(environment, fixture), gateway: new MockModelGateway(environment, fixture), memoTelemetry, routingConfig: embeddedDefaultConfig, providerCalls: () => 0, close: NOTHING_TO_CLOSE };
  }
  const routingConfig = provider === 'mock' ? embeddedDefaultConfig : options.config;
  const rawClient = new CountingModelClient(provider === 'mock' ? new MockModelClient({ script: options.fixtures?.modelScript }) : createModelClient(routingConfig, { env: options.env }));
  const memoStore = options.memoStore ?? new InMemoryMemoStore();
  // The memo follows the user's configuration even under `mock`, whose routes are the embedded ones.
  const modelClient = options.remoteMemo
    ? new BrokeredMemoClient(rawClient, { remote: options.remoteMemo, pricesFor: pricesByRoute(routingConfig), telemetry: memoTelemetry, scopeOf: routeScopes(routingConfig) })
    : options.config.memo.enabled
    ? new MemoizingModelClient(rawClient, {
        store: memoStore,
        policy: { crossRun: options.config.memo.crossRun },
        pricesFor: pricesByRoute(routingConfig),
        telemetry: memoTelemetry,
        scopeOf: routeScopes(routingConfig),
      })
    : rawClient;
  const leafRunner = new RealLeafRunner({
    cwd: options.cwd,
    env: options.env,
    modelClient,
    routeFor: leafRouteResolver(routingConfig, options.routeAsRole),
    now: environment.now,
    keepWorktrees: options.keepWorktrees,
    searchEngine: options.searchEngine,
    protectedPaths: protectedStatePaths(options.cwd, options.env),
    worktreeLinks: options.config.worktrees.link,
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
  });
  const gateway = new ProvidersModelGateway(modelClient, routingConfig, options.runId, options.routeAsRole);
  const close = async (): Promise<void> => {
    if (options.memoStore === undefined) memoStore.clear();
  };
  return { leafRunner, gateway, modelClient, memoTelemetry, routingConfig, providerCalls: () => rawClient.calls, close };
}

/**
 * A leaf's route: its role, else its agent_type's role, else `default`; its model_policy wins; an
 * overlay's route for the role (one of the role's configured routes) wins over the primary.
 */
export function leafRouteResolver(config: WhaleflowConfig, routeAsRole?: string): LeafRouteResolver {
  return (input) => {
    const overlayRoute = routeAsRole === undefined ? input.overlay?.policy?.route : undefined;
    if (overlayRoute) return { route: overlayRoute, prices: findModel(config, overlayRoute)?.prices };
    const role = routeAsRole ?? input.role;
    const resolved = resolveRoute(config, { role, agentType: routeAsRole === undefined ? input.leaf.agent_type : routeAsRole, modelPolicy: routeAsRole === undefined ? input.leaf.model_policy : undefined });
    return { route: { provider: resolved.provider, model: resolved.model }, prices: resolved.prices };
  };
}

/** Each route's scope as text, worked out once per route (the memo asks on every call). */
function routeScopes(config: WhaleflowConfig): (route: { readonly provider: string; readonly model: string }) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (route) => {
    const id = `${route.provider}\u0000${route.model}`;
    if (!known.has(id)) {
      const scope = routeScope(config, route);
      known.set(id, scope ? routeScopeText(scope) : undefined);
    }
    return known.get(id);
  };
}
