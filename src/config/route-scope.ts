import { sha256Hex } from '../util/index.js';
import { findModel, type ConfiguredRoute, type WhaleflowConfig } from './whaleflow-config.js';

/**
 * What, besides the exact request, decides the answer a route gives: the model behind the name
 * (its configured revision), the server that answers (the provider's endpoint) and the settings
 * the provider adapter applies outside the request (provider kind, capabilities). A memo entry
 * records the scope it was made in; one made in another scope is never served (docs/janitor.md).
 *
 * The endpoint is kept as a digest: a base URL may carry a token, and scopes are shown and exported.
 */
export interface RouteScope {
  /** `provider/model`. */
  readonly model: string;
  readonly revision: string | null;
  /** First 16 hex digits of SHA-256 of the provider's base URL; null when the provider's default is used. */
  readonly endpoint: string | null;
  /** First 16 hex digits of SHA-256 of the provider kind and the model's capabilities. */
  readonly settings: string;
}

/** The route's scope under `config`, or undefined when the configuration does not define the route. */
export function routeScope(config: WhaleflowConfig, route: ConfiguredRoute): RouteScope | undefined {
  const provider = config.providers.get(route.provider);
  const model = findModel(config, route);
  if (!provider || !model) return undefined;
  const capabilities = model.capabilities;
  const settings = JSON.stringify([
    provider.kind,
    capabilities.toolCalls,
    capabilities.jsonMode,
    capabilities.promptCache,
    capabilities.contextWindow ?? null,
    capabilities.maxOutputTokens ?? null,
  ]);
  return {
    model: `${route.provider}/${route.model}`,
    revision: model.revision ?? null,
    endpoint: provider.baseUrl === undefined ? null : sha256Hex(provider.baseUrl).slice(0, 16),
    settings: sha256Hex(settings).slice(0, 16),
  };
}

/** The scope as stored: canonical JSON (fixed key order), so equal scopes compare equal as text. */
export function routeScopeText(scope: RouteScope): string {
  return JSON.stringify({ model: scope.model, revision: scope.revision, endpoint: scope.endpoint, settings: scope.settings });
}

/** Reads a stored scope back; undefined for text that is not one (an entry from before scopes). */
export function parseRouteScope(text: string | null | undefined): RouteScope | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<RouteScope>;
    if (typeof value.model !== 'string' || typeof value.settings !== 'string') return undefined;
    return { model: value.model, revision: value.revision ?? null, endpoint: value.endpoint ?? null, settings: value.settings };
  } catch {
    return undefined;
  }
}

/** Why a recorded scope no longer holds, in words (empty when it still holds). */
export function routeScopeChanges(recorded: RouteScope, current: RouteScope | undefined): string[] {
  if (current === undefined) return [`${recorded.model} is no longer configured`];
  const changes: string[] = [];
  if (recorded.revision !== current.revision) changes.push(`model revision changed (${recorded.revision ?? 'none'} → ${current.revision ?? 'none'})`);
  if (recorded.endpoint !== current.endpoint) changes.push('provider endpoint changed');
  if (recorded.settings !== current.settings) changes.push('provider kind or model capabilities changed');
  return changes;
}
