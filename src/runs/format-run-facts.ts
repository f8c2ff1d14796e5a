import type { Usage } from '../ir/index.js';
import { escapeTerminalLine } from '../util/index.js';

/** `$0.001234` from micro-dollars; unknown prices stay unknown, never $0. */
export function formatCost(costMicrousd: number | null | undefined): string {
  if (costMicrousd === null) return 'cost unknown';
  if (costMicrousd === undefined) return '';
  return `$${(costMicrousd / 1_000_000).toFixed(6)}`;
}

export function formatDuration(startedAt: number | null, finishedAt: number | null): string {
  if (startedAt === null || finishedAt === null) return '';
  const ms = finishedAt - startedAt;
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(2)}s`;
}

export function formatTokens(usage: Usage | null): string {
  return usage ? `${usage.input_tokens}→${usage.output_tokens} tok` : '';
}

/** One line of text, at most `limit` characters, with newlines shown as ⏎ and control characters escaped (run text is untrusted). */
export function truncateOutput(text: string, limit: number): string {
  const flat = escapeTerminalLine(text.replace(/\r?\n/g, '⏎ '));
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

export function formatTimestamp(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
