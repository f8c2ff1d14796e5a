import { findModel, resolveRoute, type ModelPrices, type WhaleflowConfig } from '../config/index.js';
import type { GatewayRequest, GatewayResponse, ModelGateway } from '../engine/index.js';
import { emptyMemoUsage } from '../ir/index.js';
import { memoUsageFromOutcome, type MemoCallOptions, type MemoOutcome } from '../memo/index.js';
import { incompleteResponseError, isProviderError, priceUsage, type ModelClient, type ModelResponse } from '../providers/index.js';

/**
 * The engine's ModelGateway port over the providers layer: the role resolves to a route
 * (reported with its reason), the call goes through the (memoized) client at temperature 0,
 * and usage is priced from the configuration. A memo hit costs nothing; its savings are in
 * memo_usage. The node id rides in the call's scope labels, never in the request.
 */
export class ProvidersModelGateway implements ModelGateway {
  constructor(
    private readonly client: ModelClient,
    private readonly config: WhaleflowConfig,
    private readonly runId?: string,
    /** Route every call as this role (a student replay); the request keeps its own role's prompt. */
    private readonly routeAsRole?: string,
  ) {}

  async complete(request: GatewayRequest, signal: AbortSignal): Promise<GatewayResponse> {
    const route = this.routeOf(request);
    let outcome: MemoOutcome | undefined;
    const options: MemoCallOptions = {
      signal,
      scope: [`node:${request.nodeId}`, ...(this.runId ? [`run:${this.runId}`] : [])],
      ...(this.runId ? { runId: this.runId } : {}),
      ...(request.policy?.crossRun ? { crossRun: request.policy.crossRun } : {}),
      onMemoOutcome: (reported) => {
        outcome = reported;
      },
    };
    const modelRequest = {
      route: { provider: route.provider, model: route.model },
      ...(request.system !== undefined ? { system: request.system } : {}),
      messages: [{ role: 'user' as const, content: request.prompt }],
      responseFormat: request.responseFormat,
      temperature: 0,
    };
    const routed = { provider: route.provider, model: route.model, reason: route.reason };
    let response: ModelResponse;
    try {
      response = await this.client.generate(modelRequest, options);
    } catch (error) {
      // Paid for, then unreadable: a failed call that still costs what the provider billed.
      if (isProviderError(error) && error.usage) {
        return { text: '', usage: this.priced(error.usage, route.prices), memo_usage: emptyMemoUsage(), route: routed, failure: `model call failed: ${error.message}` };
      }
      throw error;
    }
    const paidFor = outcome === undefined || outcome.kind === 'miss';
    const incomplete = incompleteResponseError(response, modelRequest);
    return {
      text: response.text,
      usage: paidFor ? this.priced(response.usage, route.prices) : { input_tokens: 0, output_tokens: 0, cost_microusd: 0 },
      memo_usage: outcome ? memoUsageFromOutcome(outcome) : emptyMemoUsage(),
      route: routed,
      ...(incomplete ? { failure: `model call failed: ${incomplete.message}` } : {}),
    };
  }

  private priced(usage: ModelResponse['usage'], prices: ModelPrices | undefined) {
    return { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens, cost_microusd: priceUsage(usage, prices) ?? null };
  }

  /** The role's route; an overlay's route (one the configuration lists for the role) wins over the primary. */
  private routeOf(request: GatewayRequest): { provider: string; model: string; reason: string; prices?: ModelPrices } {
    if (this.routeAsRole !== undefined) return resolveRoute(this.config, { role: this.routeAsRole });
    const overlayRoute = request.policy?.route;
    if (overlayRoute) return { ...overlayRoute, reason: 'overlay', prices: findModel(this.config, overlayRoute)?.prices };
    return resolveRoute(this.config, { role: request.role, modelPolicy: request.modelPolicy, ...(request.fallbackRole !== undefined ? { agentType: request.fallbackRole } : {}) });
  }
}
