import type { ModelPrices } from '../config/index.js';
import { streamFromResponse, type ModelClient, type ModelRequest, type ModelResponse, type ModelRoute, type ModelStreamEvent } from '../providers/index.js';
import type { MemoAnswer, MemoQuestion } from './memo-broker.js';
import { memoKey } from './memo-key.js';
import { memoOutcomeOf, type MemoOutcomeKind } from './memo-outcome.js';
import { isDeterministicRequest } from './memo-policy.js';
import { MemoTelemetry } from './memo-telemetry.js';
import type { MemoCallOptions } from './memoizing-model-client.js';

/** A MemoBroker reached over a transport (a queue worker's view of its coordinator's memo). */
export interface RemoteMemo {
  /**
   * Asks the broker; undefined when it did not answer in time (the coordinator is away): the
   * caller then calls the provider on its own, unshared, and counts a miss.
   */
  ask(question: MemoQuestion, signal?: AbortSignal): Promise<MemoAnswer | undefined>;
  renew(flight: string): void;
  fulfill(flight: string, response: ModelResponse): void;
  abandon(flight: string): void;
  /** How often a leader renews its lead while its provider call lasts. */
  readonly renewEveryMs: number;
}

export interface BrokeredMemoClientOptions {
  readonly remote: RemoteMemo;
  readonly pricesFor?: (route: ModelRoute) => ModelPrices | undefined;
  /** The route's scope as text (config/route-scope.ts); the broker serves no answer of another scope. */
  readonly scopeOf?: (route: ModelRoute) => string | undefined;
  readonly telemetry?: MemoTelemetry;
}

interface Lead {
  readonly flight: string;
  readonly timer: NodeJS.Timeout;
  done: boolean;
}

/**
 * The ARMH memo of a queue worker: instead of a memo of its own, it asks the coordinator's
 * (MemoBroker) before every provider call, so identical requests from any worker of the run
 * make one provider call and reuse the project memo, under the coordinator's one policy. It
 * reports every outcome exactly as the in-process memo does (hit, shared-in-flight, miss with
 * the savings priced from this worker's configuration), so leaves' memo_usage stays exact.
 */
export class BrokeredMemoClient implements ModelClient {
  readonly telemetry: MemoTelemetry;

  constructor(
    private readonly inner: ModelClient,
    private readonly options: BrokeredMemoClientOptions,
  ) {
    this.telemetry = options.telemetry ?? new MemoTelemetry();
  }

  async generate(request: ModelRequest, options: MemoCallOptions = {}): Promise<ModelResponse> {
    const key = memoKey(request);
    const answer = await this.options.remote.ask(this.question(key, request, options), options.signal);
    if (answer?.type === 'hit') {
      this.report(answer.shared ? 'shared-in-flight' : 'hit', request, options, key, answer.response, answer.reusedFrom);
      return answer.response;
    }
    const lead = answer ? this.lead(answer.flight) : undefined;
    try {
      const response = await this.inner.generate(request, options);
      this.finish(lead, response);
      this.report('miss', request, options, key, response);
      return response;
    } finally {
      this.finish(lead);
    }
  }

  async *stream(request: ModelRequest, options: MemoCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    const key = memoKey(request);
    const answer = await this.options.remote.ask(this.question(key, request, options), options.signal);
    if (answer?.type === 'hit') {
      this.report(answer.shared ? 'shared-in-flight' : 'hit', request, options, key, answer.response, answer.reusedFrom);
      yield* streamFromResponse(answer.response);
      return;
    }
    const lead = answer ? this.lead(answer.flight) : undefined;
    try {
      for await (const event of this.inner.stream(request, options)) {
        if (event.type === 'finish') {
          this.finish(lead, event.response);
          this.report('miss', request, options, key, event.response);
        }
        yield event;
      }
    } finally {
      this.finish(lead);
    }
  }

  private question(key: string, request: ModelRequest, options: MemoCallOptions): MemoQuestion {
    const scope = this.options.scopeOf?.(request.route);
    return {
      key,
      deterministic: isDeterministicRequest(request),
      route: request.route,
      // The same leaf of the same run asks as the same asker on every delivery of its job.
      asker: (options.scope ?? []).join(' '),
      ...(options.runId !== undefined ? { runId: options.runId } : {}),
      ...(options.crossRun !== undefined ? { crossRun: options.crossRun } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
  }

  private lead(flight: string): Lead {
    const timer = setInterval(() => this.options.remote.renew(flight), this.options.remote.renewEveryMs);
    timer.unref();
    return { flight, timer, done: false };
  }

  /** Ends a lead once: with the response (fulfilled) or without (abandoned: a waiter leads instead). */
  private finish(lead: Lead | undefined, response?: ModelResponse): void {
    if (!lead || lead.done) return;
    lead.done = true;
    clearInterval(lead.timer);
    if (response) this.options.remote.fulfill(lead.flight, response);
    else this.options.remote.abandon(lead.flight);
  }

  private report(kind: MemoOutcomeKind, request: ModelRequest, options: MemoCallOptions, key: string, response: ModelResponse, reusedFrom?: 'same-run' | 'earlier-run'): void {
    const outcome = memoOutcomeOf(kind, request, options, key, response, this.options.pricesFor?.(request.route), reusedFrom);
    this.telemetry.record(outcome);
    options.onMemoOutcome?.(outcome);
  }
}
