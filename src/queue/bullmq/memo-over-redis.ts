import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MemoAnswer, MemoBroker, MemoQuestion, RemoteMemo } from '../../memo/index.js';
import type { ModelResponse } from '../../providers/index.js';
import type { QueueKeys } from './queue-keys.js';

// The coordinator serves its memo to the run's workers over Redis pub/sub. A worker publishes on
// the run's memo channel (`ask`, `ping` while it waits, and as a leader `renew`, `fulfill`,
// `abandon`); the coordinator answers on the worker's reply channel (`answer`, or `waiting` while
// an identical call is in flight). Pub/sub is at most once: every wait is bounded, and a worker
// that hears nothing calls the provider itself (counted as a miss), so a lost message costs at
// most a duplicate call, never a wrong result.

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheHitInputTokens: z.number(), cacheMissInputTokens: z.number() });
const responseSchema = z.object({
  text: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.record(z.string(), z.unknown()) })),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'error']),
  usage: usageSchema,
});
const questionSchema = z.object({
  key: z.string().min(1).max(200),
  deterministic: z.boolean(),
  runId: z.string().optional(),
  crossRun: z.enum(['never', 'deterministic', 'always']).optional(),
  scope: z.string().optional(),
  asker: z.string(),
  route: z.object({ provider: z.string(), model: z.string() }),
});
const toBroker = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ask'), id: z.string(), replyTo: z.string(), question: questionSchema }),
  z.object({ t: z.literal('ping'), id: z.string(), replyTo: z.string() }),
  z.object({ t: z.literal('renew'), flight: z.string() }),
  z.object({ t: z.literal('fulfill'), flight: z.string(), response: responseSchema }),
  z.object({ t: z.literal('abandon'), flight: z.string() }),
]);
type ToBroker = z.infer<typeof toBroker>;
type ToWorker = { readonly id: string; readonly t: 'answer'; readonly answer: MemoAnswer } | { readonly id: string; readonly t: 'waiting' };

function parse<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The coordinator's side: answers the memo questions of one run's workers from its MemoBroker.
 * Messages that do not parse are ignored (a worker then falls back to its own call).
 */
export class MemoBrokerService {
  private readonly waiting = new Map<string, string>();

  constructor(
    private readonly broker: MemoBroker,
    private readonly publisher: Redis,
    private readonly keys: QueueKeys,
  ) {}

  /** The channel to subscribe to for this run. */
  channel(runId: string): string {
    return this.keys.memoChannel(runId);
  }

  onMessage(text: string): void {
    const message = parse<ToBroker>(toBroker, text);
    if (!message) return;
    switch (message.t) {
      case 'ask': {
        let answered = false;
        this.waiting.set(message.id, message.replyTo);
        void this.broker.ask(message.question as MemoQuestion).then((answer) => {
          answered = true;
          this.waiting.delete(message.id);
          this.reply(message.replyTo, { id: message.id, t: 'answer', answer });
        });
        // An answer at hand goes out first; otherwise say the request waits for a call in flight.
        queueMicrotask(() => {
          if (!answered) this.reply(message.replyTo, { id: message.id, t: 'waiting' });
        });
        return;
      }
      case 'ping':
        if (this.waiting.has(message.id)) this.reply(message.replyTo, { id: message.id, t: 'waiting' });
        return;
      case 'renew':
        this.broker.renew(message.flight);
        return;
      case 'fulfill':
        this.broker.fulfill(message.flight, message.response as ModelResponse);
        return;
      case 'abandon':
        this.broker.abandon(message.flight);
        return;
    }
  }

  private reply(replyTo: string, message: ToWorker): void {
    this.publisher.publish(this.keys.memoReplyChannel(replyTo), JSON.stringify(message)).catch(() => undefined);
  }
}

export interface RedisRemoteMemoOptions {
  /** How long a worker waits for the coordinator to say anything about a question (answer or waiting). */
  readonly silenceMs: number;
  /** How often a waiting worker pings, and a leader renews its lead. */
  readonly renewEveryMs: number;
  /** Told when a question is given up for silence (the worker's log). */
  readonly log?: (line: string) => void;
}

interface PendingAsk {
  readonly runId: string;
  readonly resolve: (answer: MemoAnswer | undefined) => void;
  heardAt: number;
}

/** A worker's side: the RemoteMemo a BrokeredMemoClient asks, over the worker's Redis connections. */
export class RedisRemoteMemo implements RemoteMemo {
  readonly renewEveryMs: number;
  private readonly pending = new Map<string, PendingAsk>();
  private readonly flightRuns = new Map<string, string>();
  private readonly replyTo = randomBytes(8).toString('hex');
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly publisher: Redis,
    private readonly keys: QueueKeys,
    private readonly options: RedisRemoteMemoOptions,
  ) {
    this.renewEveryMs = options.renewEveryMs;
    this.timer = setInterval(() => this.checkSilence(), Math.max(20, Math.round(options.silenceMs / 4)));
    this.timer.unref();
  }

  /** Subscribes `subscriber` to this worker's reply channel; its messages go to onMessage. */
  static async open(publisher: Redis, subscriber: Redis, keys: QueueKeys, options: RedisRemoteMemoOptions): Promise<RedisRemoteMemo> {
    const remote = new RedisRemoteMemo(publisher, keys, options);
    await subscriber.subscribe(remote.channel);
    return remote;
  }

  get channel(): string {
    return this.keys.memoReplyChannel(this.replyTo);
  }

  ask(question: MemoQuestion, signal?: AbortSignal): Promise<MemoAnswer | undefined> {
    if (question.runId === undefined || signal?.aborted) return Promise.resolve(undefined);
    const runId = question.runId;
    const id = randomBytes(8).toString('hex');
    return new Promise((resolve) => {
      const done = (answer: MemoAnswer | undefined): void => {
        this.pending.delete(id);
        signal?.removeEventListener('abort', onAbort);
        if (answer?.type === 'lead') this.flightRuns.set(answer.flight, runId);
        resolve(answer);
      };
      // A cancelled leaf stops waiting; its own call is then cancelled by the same signal.
      const onAbort = (): void => done(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { runId, resolve: done, heardAt: Date.now() });
      this.send(runId, { t: 'ask', id, replyTo: this.replyTo, question });
    });
  }

  renew(flight: string): void {
    const runId = this.flightRuns.get(flight);
    if (runId !== undefined) this.send(runId, { t: 'renew', flight });
  }

  fulfill(flight: string, response: ModelResponse): void {
    const runId = this.flightRuns.get(flight);
    this.flightRuns.delete(flight);
    if (runId !== undefined) this.send(runId, { t: 'fulfill', flight, response: response as z.infer<typeof responseSchema> });
  }

  abandon(flight: string): void {
    const runId = this.flightRuns.get(flight);
    this.flightRuns.delete(flight);
    if (runId !== undefined) this.send(runId, { t: 'abandon', flight });
  }

  /** A message on the reply channel. */
  onMessage(text: string): void {
    const message = parse<ToWorker>(z.object({ id: z.string(), t: z.enum(['answer', 'waiting']), answer: z.unknown().optional() }) as z.ZodType<ToWorker>, text);
    if (!message) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.t === 'waiting') pending.heardAt = Date.now();
    else pending.resolve(message.answer);
  }

  close(): void {
    clearInterval(this.timer);
    for (const pending of [...this.pending.values()]) pending.resolve(undefined);
  }

  /** Questions the coordinator has been silent about for too long are given up (the caller calls the provider). */
  private checkSilence(): void {
    const now = Date.now();
    for (const [id, pending] of [...this.pending]) {
      if (now - pending.heardAt > this.options.silenceMs) {
        this.options.log?.(`memo: no word from the coordinator of run ${pending.runId.slice(0, 8)} for ${Math.round(this.options.silenceMs / 1000)} s; calling the provider unshared`);
        pending.resolve(undefined);
      }
      else if (now - pending.heardAt >= this.options.renewEveryMs) this.send(pending.runId, { t: 'ping', id, replyTo: this.replyTo });
    }
  }

  private send(runId: string, message: ToBroker): void {
    this.publisher.publish(this.keys.memoChannel(runId), JSON.stringify(message)).catch(() => undefined);
  }
}
