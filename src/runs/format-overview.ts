import { escapeTerminalLine } from '../util/index.js';
import type { RunOverview, SlowestLeaf } from './run-overview.js';

/** `850ms`, `12s`, `4m12s`, `2h05m`: compact enough for a column. */
export function formatElapsed(elapsedMs: number): string {
  // Clocks may be fractional (virtual time splits latencies): round before choosing the unit.
  const ms = Math.max(0, Math.round(elapsedMs));
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `$0.0123`; an unknown price is "unknown", never $0. */
export function formatOverviewCost(costMicrousd: number | null): string {
  if (costMicrousd === null) return 'unknown';
  // Sub-cent amounts keep their digits: a known tiny cost must not read as $0.
  return `$${(costMicrousd / 1_000_000).toFixed(costMicrousd > 0 && costMicrousd < 100 ? 6 : 4)}`;
}

/** `12.3k`, `1.2M`. */
export function formatTokenCount(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(1)}k`;
  return `${(tokens / 1_000_000).toFixed(1)}M`;
}

export function formatSlowest(slowest: SlowestLeaf | null): string {
  return slowest ? `slowest: ${escapeTerminalLine(slowest.nodeId)} ${formatElapsed(slowest.elapsedMs)}${slowest.worker ? ` on ${escapeTerminalLine(slowest.worker)}` : ''}` : '';
}

/** `7/12 leaves` plus failures when there are any. */
export function formatLeafProgress(run: RunOverview): string {
  const failures = run.failures > 0 ? `, ${run.failures} failed` : '';
  return `${run.leavesDone}/${run.leavesTotal} leaves${failures}`;
}

