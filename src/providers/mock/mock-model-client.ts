import { assertNever } from '../../util/index.js';
import type { ModelCallOptions, ModelClient, ModelStreamEvent } from '../model-client.js';
import type { ModelRequest, ToolCall } from '../model-request.js';
import { usageFromCounts, type ModelResponse, type TokenUsage } from '../model-response.js';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  MalformedResponseError,
  RateLimitError,
  ServerError,
  TimeoutError,
  throwIfAborted,
  type ProviderError,
} from '../provider-error.js';
import { estimateTokens, requestFingerprint, requestText } from '../request-fingerprint.js';
import { realSleep, type Sleep } from '../sleep.js';
import { leafMarker, mockScriptSchema, type MockFailure, type MockRule, type MockScript, type MockScriptInput } from './mock-script.js';

export interface MockModelClientOptions {
  readonly script?: MockScriptInput;
  readonly sleep?: Sleep;
}

export interface MockCall {
  readonly request: ModelRequest;
  readonly options: ModelCallOptions;
  /** Index of the rule that answered, or undefined for the default answer. */
  readonly ruleIndex?: number;
}

/**
 * A deterministic model: the first matching rule answers; without one, the answer is derived
 * from the SHA-256 of the request, so identical requests get identical answers and different
 * requests differ. Every call is recorded in `calls` so tests can count real provider calls.
 */
export class MockModelClient implements ModelClient {
  readonly calls: MockCall[] = [];
  private readonly script: MockScript;
  private readonly sleep: Sleep;
  private readonly failuresSoFar = new Map<number, number>();

  constructor(options: MockModelClientOptions = {}) {
    this.script = mockScriptSchema.parse(options.script ?? {});
    this.sleep = options.sleep ?? realSleep;
  }

  async generate(request: ModelRequest, options: ModelCallOptions = {}): Promise<ModelResponse> {
    throwIfAborted(options.signal, request.route.provider);
    const ruleIndex = this.findRule(request, options);
    this.calls.push({ request, options, ruleIndex });
    const rule = ruleIndex === undefined ? undefined : this.script.rules[ruleIndex];
    const latencyMs = rule?.latency_ms ?? this.script.default_latency_ms ?? 0;
    if (latencyMs > 0) await this.sleep(latencyMs, options.signal).catch((error: unknown) => {
      // A cancelled wait is reported as this provider's cancellation, like a real call's.
      throwIfAborted(options.signal, request.route.provider);
      throw error;
    });
    throwIfAborted(options.signal, request.route.provider);
    if (rule?.fail && ruleIndex !== undefined && this.shouldFail(ruleIndex, rule.fail)) {
      throw failureError(rule.fail, request.route.provider);
    }
    return rule ? ruleResponse(rule, request) : defaultResponse(request);
  }

  async *stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncGenerator<ModelStreamEvent> {
    const response = await this.generate(request, options);
    // Several deltas rather than one, so consumers' concatenation is exercised.
    for (const piece of response.text.match(/\S*\s*/g) ?? []) {
      if (piece) yield { type: 'text-delta', text: piece };
    }
    for (const [index, call] of response.toolCalls.entries()) {
      const argumentsText = JSON.stringify(call.arguments);
      const middle = Math.floor(argumentsText.length / 2);
      yield { type: 'tool-call-delta', index, id: call.id, name: call.name, argumentsDelta: argumentsText.slice(0, middle) };
      yield { type: 'tool-call-delta', index, argumentsDelta: argumentsText.slice(middle) };
    }
    yield { type: 'finish', response };
  }

  private findRule(request: ModelRequest, options: ModelCallOptions): number | undefined {
    const index = this.script.rules.findIndex((rule) => ruleMatches(rule, request, options));
    return index === -1 ? undefined : index;
  }

  private shouldFail(ruleIndex: number, failure: MockFailure): boolean {
    const failed = this.failuresSoFar.get(ruleIndex) ?? 0;
    if (failure.times !== undefined && failed >= failure.times) return false;
    this.failuresSoFar.set(ruleIndex, failed + 1);
    return true;
  }
}

function ruleMatches(rule: MockRule, request: ModelRequest, options: ModelCallOptions): boolean {
  const { match } = rule;
  if (match.model !== undefined && match.model !== request.route.model) return false;
  if (match.tools !== undefined && match.tools !== (request.tools?.length ?? 0) > 0) return false;
  if (match.turn !== undefined && match.turn !== assistantTurns(request)) return false;
  if (match.prompt !== undefined && !new RegExp(match.prompt).test(requestText(request))) return false;
  if (match.leaf !== undefined) {
    const labelled = options.scope?.includes(`leaf:${match.leaf}`) ?? false;
    if (!labelled && !requestText(request).includes(leafMarker(match.leaf))) return false;
  }
  return true;
}

function assistantTurns(request: ModelRequest): number {
  return request.messages.filter((message) => message.role === 'assistant').length;
}

function ruleResponse(rule: MockRule, request: ModelRequest): ModelResponse {
  const toolCalls: ToolCall[] = (rule.tool_calls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.name,
    arguments: call.arguments,
  }));
  const text = rule.text ?? (toolCalls.length > 0 ? '' : defaultText(request));
  return {
    text,
    toolCalls,
    finishReason: rule.finish_reason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: ruleUsage(rule, request, text),
  };
}

function ruleUsage(rule: MockRule, request: ModelRequest, text: string): TokenUsage {
  return usageFromCounts({
    inputTokens: rule.usage?.input_tokens ?? estimateTokens(requestText(request)),
    outputTokens: rule.usage?.output_tokens ?? estimateTokens(text),
    cacheHitInputTokens: rule.usage?.cache_hit_input_tokens ?? 0,
  });
}

function defaultText(request: ModelRequest): string {
  return `mock answer ${requestFingerprint(request).slice(0, 16)}`;
}

function defaultResponse(request: ModelRequest): ModelResponse {
  const text = defaultText(request);
  return {
    text,
    toolCalls: [],
    finishReason: 'stop',
    usage: usageFromCounts({ inputTokens: estimateTokens(requestText(request)), outputTokens: estimateTokens(text) }),
  };
}

function failureError(failure: MockFailure, provider: string): ProviderError {
  const message = failure.message ?? `mock ${failure.kind} failure`;
  const details = { provider, retryAfterMs: failure.retry_after_ms };
  switch (failure.kind) {
    case 'rate_limit':
      return new RateLimitError(message, { ...details, status: 429 });
    case 'server':
      return new ServerError(message, { ...details, status: 500 });
    case 'connection':
      return new ConnectionError(message, details);
    case 'timeout':
      return new TimeoutError(message, details);
    case 'authentication':
      return new AuthenticationError(message, { ...details, status: 401 });
    case 'bad_request':
      return new BadRequestError(message, { ...details, status: 400 });
    case 'malformed':
      return new MalformedResponseError(message, details);
    default:
      return assertNever(failure.kind, 'mock failure kind');
  }
}
