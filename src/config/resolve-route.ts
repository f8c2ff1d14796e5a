import { hasCapability, type CapabilityName } from './model-capabilities.js';
import type { ModelPrices } from './model-prices.js';
import { RouteResolutionError, type RejectedRoute } from './route-resolution-error.js';
import { findModel, type ConfiguredRoute, type ModelConfig, type RolePolicy, type WhaleflowConfig } from './whaleflow-config.js';
import { defaultRoleName, roleForAgentType } from './workflow-roles.js';

/** The IR's `model_policy` (snake_case as in the IR). */
export interface WorkflowModelPolicy {
  readonly provider?: string | null;
  readonly model?: string | null;
  readonly fallback_models?: readonly string[];
}

export interface RouteQuery {
  readonly role: string;
  /** The leaf's `agent_type`; consulted when the role itself is not configured. */
  readonly agentType?: string;
  readonly modelPolicy?: WorkflowModelPolicy;
  /** Capabilities needed on top of the role's own. */
  readonly requires?: readonly CapabilityName[];
}

/**
 * Why this route was chosen: the role's primary; the `default` (or agent-type) role's primary
 * because the role is not configured; a fallback because earlier candidates lacked a required
 * capability; or the workflow's own model_policy.
 */
export type RouteReason = 'primary' | 'role_default' | 'fallback' | 'workflow_policy';

export interface ResolvedRoute {
  readonly provider: string;
  readonly model: string;
  readonly reason: RouteReason;
  /** The role whose policy supplied the route (may be `default`). */
  readonly policyRole: string;
  readonly requires: readonly CapabilityName[];
  /** Later candidates that also satisfy the requirements, in order, for failover. */
  readonly fallbacks: readonly ConfiguredRoute[];
  /** Undefined when the workflow named a model the config does not list. */
  readonly modelConfig?: ModelConfig;
  readonly prices: ModelPrices;
}

interface Candidate {
  readonly route: ConfiguredRoute;
  readonly reason: RouteReason;
}

export function resolveRoute(config: WhaleflowConfig, query: RouteQuery): ResolvedRoute {
  const policy = policyFor(config, query);
  const requires = [...new Set([...(policy?.policy.requires ?? []), ...(query.requires ?? [])])];
  const candidates = workflowCandidates(config, query, policy?.policy) ?? roleCandidates(policy);
  if (candidates.length === 0) {
    throw new RouteResolutionError(query.role, [], `and no '${defaultRoleName}' role either`);
  }
  const rejected: RejectedRoute[] = [];
  const accepted: Candidate[] = [];
  for (const candidate of candidates) {
    const why = rejection(config, candidate.route, requires);
    if (why) rejected.push({ ...candidate.route, why });
    else accepted.push(candidate);
  }
  const chosen = accepted[0];
  if (!chosen) throw new RouteResolutionError(query.role, rejected, requires.length ? `requires ${requires.join(', ')}` : undefined);
  const modelConfig = findModel(config, chosen.route);
  return {
    ...chosen.route,
    reason: chosen.reason,
    policyRole: policy?.name ?? query.role,
    requires,
    fallbacks: accepted.slice(1).map((candidate) => candidate.route),
    modelConfig,
    prices: modelConfig?.prices ?? {},
  };
}

function policyFor(config: WhaleflowConfig, query: RouteQuery): { name: string; policy: RolePolicy; isDefault: boolean } | undefined {
  const names = [query.role, query.agentType ? roleForAgentType(query.agentType) : undefined, defaultRoleName];
  for (const [index, name] of names.entries()) {
    const policy = name === undefined ? undefined : config.roles.get(name);
    if (name !== undefined && policy) return { name, policy, isDefault: index > 0 };
  }
  return undefined;
}

function roleCandidates(policy: { policy: RolePolicy; isDefault: boolean } | undefined): Candidate[] {
  if (!policy) return [];
  return [
    { route: policy.policy.primary, reason: policy.isDefault ? 'role_default' : 'primary' },
    ...policy.policy.fallbacks.map((route): Candidate => ({ route, reason: 'fallback' })),
  ];
}

/**
 * Candidates from the workflow's model_policy, or undefined when it names nothing. A provider
 * alone narrows the role's own candidates to that provider. A fallback model is `provider/model`
 * when its prefix is a configured provider, otherwise a model on the policy's provider (model
 * ids may contain '/').
 */
function workflowCandidates(config: WhaleflowConfig, query: RouteQuery, rolePolicy: RolePolicy | undefined): Candidate[] | undefined {
  const policy = query.modelPolicy;
  if (!policy?.provider && !policy?.model) return undefined;
  if (!policy.model) {
    const routes = rolePolicy ? [rolePolicy.primary, ...rolePolicy.fallbacks] : [];
    const onProvider = routes.filter((route) => route.provider === policy.provider);
    const listed = config.models.filter((model) => model.provider === policy.provider);
    const chosen = onProvider.length > 0 ? onProvider : listed.map(({ provider, model }) => ({ provider, model }));
    return chosen.map((route) => ({ route, reason: 'workflow_policy' }));
  }
  const provider = policy.provider ?? providerOfModel(config, policy.model);
  const primary: Candidate = { route: { provider, model: policy.model }, reason: 'workflow_policy' };
  const fallbacks = (policy.fallback_models ?? []).map(
    (name): Candidate => ({ route: parseFallbackModel(config, name, provider), reason: 'fallback' }),
  );
  return [primary, ...fallbacks];
}

function providerOfModel(config: WhaleflowConfig, model: string): string {
  return config.models.find((entry) => entry.model === model)?.provider ?? '';
}

function parseFallbackModel(config: WhaleflowConfig, name: string, defaultProvider: string): ConfiguredRoute {
  const slash = name.indexOf('/');
  if (slash > 0 && config.providers.has(name.slice(0, slash))) {
    return { provider: name.slice(0, slash), model: name.slice(slash + 1) };
  }
  return { provider: defaultProvider, model: name };
}

function rejection(config: WhaleflowConfig, route: ConfiguredRoute, requires: readonly CapabilityName[]): string | undefined {
  if (!route.provider || !config.providers.has(route.provider)) return `provider '${route.provider || '?'}' is not configured`;
  const model = findModel(config, route);
  if (!model) return requires.length > 0 ? 'capabilities unknown (model not listed under models)' : undefined;
  const missing = requires.filter((name) => !hasCapability(model.capabilities, name));
  return missing.length > 0 ? `lacks ${missing.join(', ')}` : undefined;
}
