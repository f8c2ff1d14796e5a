import type { MemoUsage, ModelPolicy, Usage } from '../../ir/index.js';
import type { RolePolicyPatch } from './run-overlay.js';

/**
 * The engine's own model calls (reduce, judge, expand planner) go through this small port,
 * so no engine code knows a vendor. The composition root adapts the providers layer to it.
 */
export interface GatewayRequest {
  readonly role: string;
  /** The role to use when `role` is not configured (a sub-query's leaf role), before `default`. */
  readonly fallbackRole?: string;
  readonly modelPolicy?: ModelPolicy;
  readonly system?: string;
  readonly prompt: string;
  readonly responseFormat: 'text' | 'json';
  /** The node asking, for telemetry scopes; never part of the model context. */
  readonly nodeId: string;
  /** The overlay's memo/route policy for the role (its advisory is already in `system`). */
  readonly policy?: RolePolicyPatch;
}

export interface GatewayResponse {
  readonly text: string;
  readonly usage: Usage;
  readonly memo_usage: MemoUsage;
  /** Route the call took and why (primary / role_default / fallback), for the trace. */
  readonly route?: { readonly provider: string; readonly model: string; readonly reason: string };
  /**
   * Set when the answer was paid for but is not a result (cut off at the token limit, filtered,
   * unreadable): the call fails with this message and `usage` is still charged.
   */
  readonly failure?: string;
}

export interface ModelGateway {
  complete(request: GatewayRequest, signal: AbortSignal): Promise<GatewayResponse>;
}
