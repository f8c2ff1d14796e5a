import type { ModelPrices } from '../config/index.js';
import {
  streamFromResponse,
  type ModelCallOptions,
  type ModelClient,
  type ModelRequest,
  type ModelResponse,
  type ModelRoute,
  type ModelStreamEvent,
} from '../providers/index.js';
import type { MemoEntry } from './memo-entry.js';
import { memoKey } from './memo-key.js';
import { memoOutcomeOf, type MemoOutcomeKind, type MemoOutcomeListener } from './memo-outcome.js';
import { defaultMemoPolicy, isDeterministicRequest, mayReuse, mayShareAcrossRuns, type MemoPolicy } from './memo-policy.js';
import type { MemoStore } from './memo-store.js';
import { MemoTelemetry } from './memo-telemetry.js';
import { SharedCall } from './shared-call.js';

export interface MemoCallOptions extends ModelCallOptions {
  /** Told what the memo did for this call (in addition to the client-wide listener). */
  readonly onMemoOutcome?: MemoOutcomeListener;
  /** Narrows cross-run reuse for this call (an overlay's role policy); never relaxes the client's policy. */
  readonly crossRun?: MemoPolicy['crossRun'];
}

export interface MemoizingModelClientOptions {
  readonly store: MemoStore;
  readonly policy?: MemoPolicy;
  /** Prices of a route, to value saved calls; undefined or missing prices make savings unknown. */
  readonly pricesFor?: (route: ModelRoute) => ModelPrices | undefined;
  /** Told about every outcome, e.g. to record it in the trace. */
  readonly onOutcome?: MemoOutcomeListener;
  readonly telemetry?: MemoTelemetry;
  readonly now?: () => number;
  /**
   * The route's scope now (config/route-scope.ts, as text): recorded with every answer stored,
   * and an answer stored in another scope is never served. Undefined: scopes are not checked.
   */
  readonly scopeOf?: (route: ModelRoute) => string | undefined;
}

interface Lookup {
  readonly key: string;
  readonly deterministic: boolean;
  readonly stored?: MemoEntry;
  readonly flight?: SharedCall;
  readonly flightKey?: string;
}

/**
 * ARMH: answers an exact repeat of a request without calling the provider. Identical requests
 * in flight at the same time share one call; completed answers are reused within a run always
 * and across runs per policy. Errors are never stored. A response that ended in `error` is not
 * stored either, so a retry gets a real second chance.
 */
export class MemoizingModelClient implements ModelClient {
  readonly telemetry: MemoTelemetry;
  private readonly flights = new Map<string, SharedCall>();
  private readonly policy: MemoPolicy;

  constructor(
    private readonly inner: ModelClient,
    private readonly options: MemoizingModelClientOptions,
  ) {
    this.telemetry = options.telemetry ?? new MemoTelemetry();
    this.policy = options.policy ?? defaultMemoPolicy;
  }

  async generate(request: ModelRequest, options: MemoCallOptions = {}): Promise<ModelResponse> {
    const lookup = this.lookUp(request, options);
    if (lookup.stored) {
      this.report('hit', request, options, lookup.key, lookup.stored.response, lookup.stored);
      return lookup.stored.response;
    }
    const { flight, kind } = this.flightFor(lookup, request, options, (signal) =>
      streamFromGenerate(this.inner, request, { ...options, signal }),
    );
    const response = await flight.result(options.signal, request.route.provider);
    this.report(kind, request, options, lookup.key, response);
    return response;
  }

  async *stream(request: ModelRequest, options: MemoCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    const lookup = this.lookUp(request, options);
    if (lookup.stored) {
      this.report('hit', request, options, lookup.key, lookup.stored.response, lookup.stored);
      yield* streamFromResponse(lookup.stored.response);
      return;
    }
    const { flight, kind } = this.flightFor(lookup, request, options, (signal) => this.inner.stream(request, { ...options, signal }));
    for await (const event of flight.subscribe(options.signal, request.route.provider)) {
      if (event.type === 'finish') this.report(kind, request, options, lookup.key, event.response);
      yield event;
    }
  }

  /** Synchronous from store lookup to flight registration, so concurrent twins cannot both miss. */
  private lookUp(request: ModelRequest, options: MemoCallOptions): Lookup {
    const key = memoKey(request);
    const deterministic = isDeterministicRequest(request);
    const found = this.options.store.get(key);
    const stored = found && this.servable(found, request.route) ? found : undefined;
    const policy = narrowerPolicy(this.policy, options.crossRun);
    if (stored && mayReuse(stored, policy, deterministic, options.runId)) {
      this.options.store.touch?.(key, this.now());
      return { key, deterministic, stored };
    }
    const flightKey = this.flightKey(policy, key, deterministic, options.runId);
    const flight = flightKey === undefined ? undefined : this.flights.get(flightKey);
    return { key, deterministic, flightKey, flight: flight?.joinable ? flight : undefined };
  }

  /**
   * A stale entry, or one made in another scope of its route (another model revision, endpoint
   * or provider settings), is never served: the call goes to the provider and its answer replaces it.
   */
  private servable(entry: MemoEntry, route: ModelRoute): boolean {
    if (entry.stale !== undefined) return false;
    if (entry.scope === undefined || this.options.scopeOf === undefined) return true;
    const current = this.options.scopeOf(route);
    return current === undefined || current === entry.scope;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Requests that may not share across runs share only with their own run (or not at all without one). */
  private flightKey(policy: MemoPolicy, key: string, deterministic: boolean, runId: string | undefined): string | undefined {
    if (mayShareAcrossRuns(policy, deterministic)) return key;
    return runId === undefined ? undefined : `${key}\u0000${runId}`;
  }

  private flightFor(
    lookup: Lookup,
    request: ModelRequest,
    options: ModelCallOptions,
    produce: (signal: AbortSignal) => AsyncIterable<ModelStreamEvent>,
  ): { flight: SharedCall; kind: MemoOutcomeKind } {
    if (lookup.flight) return { flight: lookup.flight, kind: 'shared-in-flight' };
    const { flightKey } = lookup;
    const flight: SharedCall = new SharedCall(produce, () => this.forget(flightKey, flight));
    if (flightKey !== undefined) this.flights.set(flightKey, flight);
    flight.completion.then(
      (response) => {
        this.forget(flightKey, flight);
        // Only a finished answer is kept: a cut-off, filtered or errored one is a failure, not a result to reuse.
        if (response.finishReason === 'stop' || response.finishReason === 'tool_calls') this.store(lookup, request, options, response);
      },
      () => this.forget(flightKey, flight),
    );
    return { flight, kind: 'miss' };
  }

  private forget(flightKey: string | undefined, flight: SharedCall): void {
    if (flightKey !== undefined && this.flights.get(flightKey) === flight) this.flights.delete(flightKey);
  }

  private store(lookup: Lookup, request: ModelRequest, options: ModelCallOptions, response: ModelResponse): void {
    const scope = this.options.scopeOf?.(request.route);
    this.options.store.put({
      key: lookup.key,
      route: request.route,
      response,
      deterministic: lookup.deterministic,
      runId: options.runId,
      createdAtMs: this.now(),
      ...(scope !== undefined ? { scope } : {}),
    });
  }

  private report(
    kind: MemoOutcomeKind,
    request: ModelRequest,
    options: MemoCallOptions,
    key: string,
    response: ModelResponse,
    stored?: MemoEntry,
  ): void {
    const reusedFrom = stored ? (options.runId !== undefined && stored.runId === options.runId ? 'same-run' : 'earlier-run') : undefined;
    const outcome = memoOutcomeOf(kind, request, options, key, response, this.options.pricesFor?.(request.route), reusedFrom);
    this.telemetry.record(outcome);
    this.options.onOutcome?.(outcome);
    options.onMemoOutcome?.(outcome);
  }
}

async function* streamFromGenerate(inner: ModelClient, request: ModelRequest, options: ModelCallOptions): AsyncGenerator<ModelStreamEvent> {
  yield* streamFromResponse(await inner.generate(request, options));
}

const REUSE_ORDER: readonly MemoPolicy['crossRun'][] = ['never', 'deterministic', 'always'];

/** The stricter of the client's policy and a call's own (an overlay may narrow reuse, never relax it). */
function narrowerPolicy(policy: MemoPolicy, crossRun: MemoPolicy['crossRun'] | undefined): MemoPolicy {
  if (crossRun === undefined || REUSE_ORDER.indexOf(crossRun) >= REUSE_ORDER.indexOf(policy.crossRun)) return policy;
  return { crossRun };
}
