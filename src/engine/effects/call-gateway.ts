import { describeError, sha256Hex } from '../../util/index.js';
import { emptyMemoUsage, emptyUsage, type MemoUsage, type Usage } from '../../ir/index.js';
import type { EffectKind, EffectResult, GatewayRequest } from '../contracts/index.js';
import { providerOf, type NodeContext } from '../run/run-context.js';
import { decisionKey } from './decision-key.js';
import { performEffect, raceCancel } from './perform-effect.js';

export interface GatewayCallOutcome {
  readonly result: EffectResult;
  readonly key: string;
}

/**
 * One engine model call (reduce, judge, planner) as an effect: keyed by node, iteration and the
 * request, bounded by the provider's limit, charged to the node's budgets. `parse` turns the
 * text into structured data; a parse error makes the effect a failure (never a guess).
 */
export async function callGateway(
  context: NodeContext,
  kind: EffectKind,
  request: GatewayRequest,
  parse?: (text: string) => unknown,
): Promise<GatewayCallOutcome> {
  const { run } = context;
  request = withOverlay(request, context);
  const key = decisionKey(request.nodeId, context.iteration, { kind, request: run.settings.patches.has('prompt-digest-keys') ? withPromptDigest(request) : request });
  const outcome = await performEffect(context, { kind, key, nodeId: request.nodeId, input: request }, async () => {
    const slots = run.providerSlotsFor(providerOf(request.modelPolicy ?? context.modelPolicy));
    const waiting = slots?.acquire(context.scope);
    if (waiting) await waiting;
    try {
      const response = await raceCancel(run.settings.gateway.complete(request, context.scope.signal), context.scope);
      if (response.failure !== undefined) return { status: 'failed', output: response.text, usage: response.usage, memo_usage: response.memo_usage, error: response.failure };
      return parsedResult(response.text, response.usage, response.memo_usage, parse);
    } finally {
      slots?.release();
    }
  });
  const usage = outcome.result.usage;
  context.budget.charge({ tokens: usage.input_tokens + usage.output_tokens, costMicrousd: usage.cost_microusd, steps: 1 });
  return { result: outcome.result, key };
}

/**
 * The request as its key reads it: the prompt by its SHA-256 (hashed as it is, not escaped into
 * the request's JSON first). The field has its own name, so no request reads as another's.
 */
function withPromptDigest(request: GatewayRequest): Omit<GatewayRequest, 'prompt'> & { readonly prompt_sha256: string } {
  const { prompt, ...rest } = request;
  return { ...rest, prompt_sha256: sha256Hex(prompt) };
}

/** The overlay's advisory block joins the call's system prompt and its role policy rides along; both are part of the key. */
function withOverlay(request: GatewayRequest, context: NodeContext): GatewayRequest {
  const part = context.run.overlayPart(null, request.role);
  if (!part) return request;
  const system = part.advisory === undefined ? request.system : request.system === undefined ? part.advisory : `${request.system}\n\n${part.advisory}`;
  return { ...request, ...(system !== undefined ? { system } : {}), ...(part.policy ? { policy: part.policy } : {}) };
}

function parsedResult(text: string, usage: Usage, memoUsage: MemoUsage, parse?: (text: string) => unknown): EffectResult {
  if (!parse) return { status: 'succeeded', output: text, usage, memo_usage: memoUsage };
  try {
    return { status: 'succeeded', output: text, data: parse(text), usage, memo_usage: memoUsage };
  } catch (error) {
    return { status: 'failed', output: text, usage, memo_usage: memoUsage, error: describeError(error) };
  }
}

/** An effect the engine computes itself (a tests_pass decision, a selection by tests): recorded, costs nothing. */
export async function performComputed(
  context: NodeContext,
  kind: EffectKind,
  nodeId: string,
  input: unknown,
  compute: () => unknown,
  /** What identifies the question when `input` holds timing-dependent facts (defaults to the input). */
  keyInput: unknown = input,
): Promise<GatewayCallOutcome> {
  const key = decisionKey(nodeId, context.iteration, { kind, input: keyInput });
  const outcome = await performEffect(context, { kind, key, nodeId, input }, async () => ({
    status: 'succeeded',
    output: null,
    data: compute(),
    usage: emptyUsage(),
    memo_usage: emptyMemoUsage(),
  }));
  return { result: outcome.result, key };
}
