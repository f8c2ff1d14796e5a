import { JUDGE_SYSTEM, PLANNER_SYSTEM, TOURNAMENT_JUDGE_SYSTEM, type EffectResult, type GatewayRequest, type GatewayResponse, type LeafRunner, type ModelGateway } from '../../engine/index.js';
import { emptyMemoUsage } from '../../ir/index.js';

/** Deterministic stand-ins for the live ports that count every call (test support). */
export class CountingLeafRunner implements LeafRunner {
  calls = 0;
  readonly keys: string[] = [];
  constructor(private readonly options: { latencyMs?: number; outputOf?: (leafId: string, prompt: string) => string } = {}) {}

  async run(input: Parameters<LeafRunner['run']>[0], context: Parameters<LeafRunner['run']>[1]): Promise<EffectResult> {
    this.calls++;
    this.keys.push(input.inputHash);
    context.activity(`working on ${input.leaf.id}`);
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    const inputs = Object.entries(input.resolvedInputs).map(([id, output]) => `${id}=${output?.length ?? 0}`).join(',');
    const output = this.options.outputOf?.(input.leaf.id, input.leaf.prompt) ?? `done ${input.leaf.id} [${inputs}]`;
    return { status: 'succeeded', output, usage: { input_tokens: input.leaf.prompt.length, output_tokens: output.length, cost_microusd: 7 }, memo_usage: emptyMemoUsage() };
  }
}

export class CountingGateway implements ModelGateway {
  calls = 0;
  private readonly perNode = new Map<string, number>();
  /** A loop's judge says "done" on this call for the node (1 = first). */
  constructor(private readonly judgeDoneOnCall = 2) {}

  async complete(request: GatewayRequest): Promise<GatewayResponse> {
    this.calls++;
    const count = (this.perNode.get(request.nodeId) ?? 0) + 1;
    this.perNode.set(request.nodeId, count);
    return { text: this.answer(request, count), usage: { input_tokens: 3, output_tokens: 2, cost_microusd: 1 }, memo_usage: emptyMemoUsage() };
  }

  private answer(request: GatewayRequest, count: number): string {
    if (request.system === JUDGE_SYSTEM) return JSON.stringify({ answer: count >= this.judgeDoneOnCall, reason: `judged ${count}` });
    if (request.system === TOURNAMENT_JUDGE_SYSTEM) {
      const candidates = /Candidates: (.*)/.exec(request.prompt)?.[1]?.split(', ') ?? [];
      return JSON.stringify({ winner: candidates[candidates.length - 1], reason: 'last is best' });
    }
    if (request.system === PLANNER_SYSTEM) {
      return JSON.stringify([{ kind: 'leaf', spec: { id: `${request.nodeId}-generated`, prompt: 'generated step' } }]);
    }
    return `summary by ${request.nodeId}`;
  }
}
