import { emptyMemoUsage, type MemoUsage, type Usage } from '../../ir/index.js';

/** The mock never uses a memo; one shared, frozen record keeps a 100,000-leaf run small. */
const NO_MEMO_USAGE: MemoUsage = Object.freeze(emptyMemoUsage());
import {
  JUDGE_SYSTEM,
  PLANNER_SYSTEM,
  TOURNAMENT_JUDGE_SYSTEM,
  type EngineEnvironment,
  type GatewayRequest,
  type GatewayResponse,
  type ModelGateway,
} from '../../engine/index.js';
import { sha256Hex } from '../../util/index.js';
import { defaultExpansion } from './default-expansion.js';
import { EMPTY_MOCK_FIXTURE, type MockFixture, type MockUsage } from './mock-fixture-schema.js';

const DEFAULT_USAGE: Usage = { input_tokens: 50, output_tokens: 10, cost_microusd: 0 };

export interface MockGatewayOptions {
  /**
   * Keep every request in `requests` (default true, for tests). `whaleflow run` does not: nothing
   * reads them there, and a fan-in's prompt over 100,000 leaves is ~24 MB held to the run's end.
   */
  readonly keepRequests?: boolean;
}

/**
 * The engine's model calls, scripted by the same fixture: judge answers per node (one per call,
 * i.e. per loop iteration, the last repeating), tournament picks, planner replies (the first and
 * the repair), reduce outputs. Defaults are deterministic: a judge says yes, a tournament judge
 * picks the first candidate, a planner copies the template max_children times.
 */
export class MockModelGateway implements ModelGateway {
  /** Every request, in order: tests read what the engine asked (empty when not kept, see MockGatewayOptions). */
  readonly requests: GatewayRequest[] = [];
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly environment: EngineEnvironment,
    private readonly fixture: MockFixture = EMPTY_MOCK_FIXTURE,
    private readonly options: MockGatewayOptions = {},
  ) {}

  async complete(request: GatewayRequest, signal: AbortSignal): Promise<GatewayResponse> {
    if (this.options.keepRequests !== false) this.requests.push(request);
    const callKey = `${request.system ?? ''}\u0000${request.nodeId}`;
    const call = (this.calls.get(callKey) ?? 0) + 1;
    this.calls.set(callKey, call);
    switch (request.system) {
      case JUDGE_SYSTEM:
        return this.judge(request, call, signal);
      case TOURNAMENT_JUDGE_SYSTEM:
        return this.pickWinner(request, signal);
      case PLANNER_SYSTEM:
        return this.plan(request, call);
      default:
        return this.reduce(request, signal);
    }
  }

  private async judge(request: GatewayRequest, call: number, signal: AbortSignal): Promise<GatewayResponse> {
    const rule = this.fixture.judge.find((candidate) => candidate.match.node === request.nodeId);
    if (rule?.latency_ms) await this.environment.sleep(rule.latency_ms, signal);
    if (rule?.raw !== undefined) return response(rule.raw, rule.usage);
    const answer = rule?.answers ? rule.answers[Math.min(call, rule.answers.length) - 1]! : (rule?.answer ?? this.fixture.defaults?.judge_answer ?? true);
    return response(JSON.stringify({ answer, reason: rule?.reason ?? `mock judge says ${answer} (call ${call})` }), rule?.usage);
  }

  private async pickWinner(request: GatewayRequest, signal: AbortSignal): Promise<GatewayResponse> {
    const rule = this.fixture.judge.find((candidate) => candidate.match.node === request.nodeId);
    if (rule?.latency_ms) await this.environment.sleep(rule.latency_ms, signal);
    if (rule?.raw !== undefined) return response(rule.raw, rule.usage);
    const candidates = (/Candidates: (.*)/.exec(request.prompt)?.[1] ?? '').split(', ');
    const winner = rule?.winner ?? candidates[0] ?? '';
    return response(JSON.stringify({ winner, reason: rule?.reason ?? `mock judge picks ${winner}` }), rule?.usage);
  }

  private plan(request: GatewayRequest, call: number): GatewayResponse {
    const rule = this.fixture.expand.find((candidate) => candidate.match.node === request.nodeId);
    if (!rule) return response(JSON.stringify(defaultExpansion(request.nodeId, request.prompt)));
    const reply = rule.replies[Math.min(call, rule.replies.length) - 1]!;
    return response(typeof reply === 'string' ? reply : JSON.stringify(reply), rule.usage);
  }

  private async reduce(request: GatewayRequest, signal: AbortSignal): Promise<GatewayResponse> {
    const rule = this.fixture.reduce.find((candidate) => candidate.match.node === request.nodeId);
    if (rule?.latency_ms) await this.environment.sleep(rule.latency_ms, signal);
    if (rule?.failure) throw new Error(rule.failure.message);
    return response(rule?.output ?? `mock ${request.role} output for ${request.nodeId} (${sha256Hex(request.prompt).slice(0, 12)})`, rule?.usage);
  }
}

function response(text: string, usage?: MockUsage): GatewayResponse {
  return { text, usage: usage ? { ...usage } : DEFAULT_USAGE, memo_usage: NO_MEMO_USAGE, route: { provider: 'mock', model: 'mock', reason: 'primary' } };
}
