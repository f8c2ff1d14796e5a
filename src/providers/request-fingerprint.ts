import { sha256Hex } from '../util/index.js';
import type { ModelRequest } from './model-request.js';

/**
 * JSON with object keys sorted at every level and `undefined` members dropped, so two requests
 * that mean the same thing serialise to the same bytes whatever order their fields were built in.
 * Array order is kept: message and tool order are part of what is asked.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

/**
 * SHA-256 of everything that determines the answer: route, system, messages, tools and sampling
 * parameters. `memoizable` is left out because it is a reuse policy, not part of the question.
 */
export function requestFingerprint(request: ModelRequest): string {
  const { memoizable: _policyOnly, ...question } = request;
  return sha256Hex(canonicalJson(question));
}

/** All the prose of a request, for rule matching and rough token estimates. */
export function requestText(request: ModelRequest): string {
  const parts = request.system ? [request.system] : [];
  for (const message of request.messages) parts.push(message.content);
  return parts.join('\n');
}

/** About four characters per token: good enough for a mock and for saved-token estimates. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
