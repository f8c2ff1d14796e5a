import type { ModelResponse } from '../providers/index.js';
import type { MemoEntry } from './memo-entry.js';
import { mayReuse, mayShareAcrossRuns, type MemoPolicy } from './memo-policy.js';
import type { MemoStore } from './memo-store.js';

/** What a remote caller (a queue worker) asks the memo before it would call a provider. */
export interface MemoQuestion {
  readonly key: string;
  readonly deterministic: boolean;
  readonly runId?: string;
  /** An overlay's narrower cross-run policy for this call; never relaxes the broker's. */
  readonly crossRun?: MemoPolicy['crossRun'];
  /** The asker's scope of the route (config/route-scope.ts as text); an entry of another scope is not served. */
  readonly scope?: string;
  /** Who asks (the job id): a redelivered job asking again takes over its own lead. */
  readonly asker: string;
  /** The route, stored with the answer the asker then makes. */
  readonly route: MemoEntry['route'];
}

/**
 * The memo's answer: `hit` (an answer to reuse; `shared` when it was the answer of a call in
 * flight when asked), or `lead` (nobody has the answer: call the provider, then fulfill — or
 * abandon — the flight, renewing it while the call lasts).
 */
export type MemoAnswer =
  | { readonly type: 'hit'; readonly shared: boolean; readonly response: ModelResponse; readonly reusedFrom?: 'same-run' | 'earlier-run' }
  | { readonly type: 'lead'; readonly flight: string };

export interface MemoBrokerOptions {
  readonly store: MemoStore;
  readonly policy: MemoPolicy;
  /** How long a lead holds without a renewal before a waiter takes over (a worker may die mid-call). */
  readonly leaseMs: number;
  readonly now?: () => number;
}

interface Flight {
  readonly id: string;
  readonly key: string;
  readonly question: MemoQuestion;
  leader: string;
  expiresAt: number;
  readonly waiters: { readonly question: MemoQuestion; readonly resolve: (answer: MemoAnswer) => void }[];
}

/**
 * The coordinator's memo, served to queue workers: single-flight across every worker of a run.
 * The first asker of a request that has no reusable answer leads (calls the provider); identical
 * askers wait and are answered with the leader's response, which is stored in the run's memo
 * store (the project memo, as for in-process calls) under the same policy. A leader that fails
 * abandons its flight and one waiter leads instead; a leader that stops renewing (its worker
 * died) loses the lead after `leaseMs`; a redelivered job asking again takes its lead over.
 */
export class MemoBroker {
  private readonly flights = new Map<string, Flight>();
  private readonly flightsById = new Map<string, Flight>();
  private nextFlight = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private served = { hits: 0, shared: 0, leads: 0, takeovers: 0 };

  constructor(private readonly options: MemoBrokerOptions) {
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.expireLeases(), Math.max(50, Math.round(options.leaseMs / 4)));
    this.timer.unref();
  }

  /** Answers at once with a hit or a lead; an identical request in flight answers when its leader is done. */
  ask(question: MemoQuestion): Promise<MemoAnswer> {
    const stored = this.reusable(question);
    if (stored) {
      this.served.hits += 1;
      this.options.store.touch?.(question.key, this.now());
      const reusedFrom = question.runId !== undefined && stored.runId === question.runId ? 'same-run' : 'earlier-run';
      return Promise.resolve({ type: 'hit', shared: false, response: stored.response, reusedFrom });
    }
    const flightKey = this.flightKey(question);
    const flight = flightKey === undefined ? undefined : this.flights.get(flightKey);
    if (flight && flight.leader === question.asker) {
      // The same job asks again: its first delivery died mid-call, this one leads now.
      this.served.takeovers += 1;
      flight.expiresAt = this.now() + this.options.leaseMs;
      return Promise.resolve({ type: 'lead', flight: flight.id });
    }
    if (flight) return new Promise((resolve) => flight.waiters.push({ question, resolve }));
    this.served.leads += 1;
    const id = `f${(this.nextFlight += 1)}`;
    if (flightKey !== undefined) {
      const started: Flight = { id, key: flightKey, question, leader: question.asker, expiresAt: this.now() + this.options.leaseMs, waiters: [] };
      this.flights.set(flightKey, started);
      this.flightsById.set(id, started);
    }
    return Promise.resolve({ type: 'lead', flight: id });
  }

  /** The leader is still calling: its lead holds for another lease. */
  renew(flightId: string): void {
    const flight = this.byId(flightId);
    if (flight) flight.expiresAt = this.now() + this.options.leaseMs;
  }

  /** The leader's answer: stored (unless it ended in error) and handed to every waiter. */
  fulfill(flightId: string, response: ModelResponse): void {
    const flight = this.byId(flightId);
    if (response.finishReason !== 'error') {
      const question = flight?.question;
      if (question) this.store(question, response);
    }
    if (!flight) return;
    this.remove(flight);
    for (const waiter of flight.waiters) {
      this.served.shared += 1;
      waiter.resolve({ type: 'hit', shared: true, response });
    }
  }

  /** The leader's call failed or was cancelled: the first waiter leads instead. */
  abandon(flightId: string): void {
    const flight = this.byId(flightId);
    if (flight) this.handOver(flight);
  }

  /** Asks answered from the store, from a flight, leads given and leads taken over (for telemetry and tests). */
  stats(): { hits: number; shared: number; leads: number; takeovers: number; inFlight: number; waiting: number } {
    let waiting = 0;
    for (const flight of this.flights.values()) waiting += flight.waiters.length;
    return { ...this.served, inFlight: this.flights.size, waiting };
  }

  close(): void {
    clearInterval(this.timer);
    for (const flight of this.flights.values()) for (const waiter of flight.waiters) waiter.resolve({ type: 'lead', flight: flight.id });
    this.flights.clear();
    this.flightsById.clear();
  }

  private reusable(question: MemoQuestion): MemoEntry | undefined {
    const found = this.options.store.get(question.key);
    if (!found || found.stale !== undefined) return undefined;
    if (found.scope !== undefined && question.scope !== undefined && found.scope !== question.scope) return undefined;
    return mayReuse(found, this.policyFor(question), question.deterministic, question.runId) ? found : undefined;
  }

  /** As in-process: requests that may not share across runs share only within their run. */
  private flightKey(question: MemoQuestion): string | undefined {
    if (mayShareAcrossRuns(this.policyFor(question), question.deterministic)) return question.key;
    return question.runId === undefined ? undefined : `${question.key}\u0000${question.runId}`;
  }

  private policyFor(question: MemoQuestion): MemoPolicy {
    const order: readonly MemoPolicy['crossRun'][] = ['never', 'deterministic', 'always'];
    if (question.crossRun === undefined || order.indexOf(question.crossRun) >= order.indexOf(this.options.policy.crossRun)) return this.options.policy;
    return { crossRun: question.crossRun };
  }

  private store(question: MemoQuestion, response: ModelResponse): void {
    this.options.store.put({
      key: question.key,
      route: question.route,
      response,
      deterministic: question.deterministic,
      runId: question.runId,
      createdAtMs: this.now(),
      ...(question.scope !== undefined ? { scope: question.scope } : {}),
    });
  }

  private byId(flightId: string): Flight | undefined {
    return this.flightsById.get(flightId);
  }

  private remove(flight: Flight): void {
    this.flights.delete(flight.key);
    this.flightsById.delete(flight.id);
  }

  /** The lead passes to the first waiter (which calls the provider itself); with no waiter the flight ends. */
  private handOver(flight: Flight): void {
    const next = flight.waiters.shift();
    if (!next) {
      this.remove(flight);
      return;
    }
    flight.leader = next.question.asker;
    flight.expiresAt = this.now() + this.options.leaseMs;
    this.served.takeovers += 1;
    next.resolve({ type: 'lead', flight: flight.id });
  }

  private expireLeases(): void {
    const now = this.now();
    for (const flight of [...this.flights.values()]) if (flight.expiresAt <= now) this.handOver(flight);
  }
}
