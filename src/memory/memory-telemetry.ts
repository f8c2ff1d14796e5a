import type { LoadedContext, RunEvent } from '../engine/index.js';

/** What one leaf did with memory, as its recorded result reports it (tokens avoided: an estimate). */
export interface LeafMemoryTelemetry {
  readonly nodeId: string;
  readonly contexts: readonly string[];
  readonly operations: number;
  readonly bytesReturned: number;
  readonly subQueries: number;
  readonly subQueryTokens: number;
  /** null when a sub-query's price was unknown. */
  readonly subQueryCostMicrousd: number | null;
  readonly tokensAvoidedEstimate: number;
  readonly citations: number;
}

export interface RunMemoryTelemetry {
  readonly contexts: readonly (LoadedContext & { readonly nodeId: string })[];
  readonly leaves: readonly LeafMemoryTelemetry[];
  readonly totals: Omit<LeafMemoryTelemetry, 'nodeId' | 'contexts'>;
}

interface RecordedLedger {
  contexts?: Record<string, unknown>;
  operations?: number;
  bytes_returned?: number;
  sub_queries?: number;
  sub_query_usage?: { input_tokens: number; output_tokens: number; cost_microusd: number | null };
  tokens_avoided_estimate?: number;
  citations?: unknown[];
}

/**
 * A run's memory use, read from its recorded events: the contexts its memory nodes loaded and,
 * per leaf, the use its result reports. Undefined for a run that used no memory. Works on any
 * recorded run (live, replay or resume) without the store.
 */
export function summarizeMemoryUse(events: Iterable<RunEvent>): RunMemoryTelemetry | undefined {
  const contexts: (LoadedContext & { nodeId: string })[] = [];
  const leaves: LeafMemoryTelemetry[] = [];
  for (const event of events) {
    if (event.type !== 'node_finished') continue;
    if (event.kind === 'memory') {
      const loaded = event.details?.memory as LoadedContext | undefined;
      if (loaded) contexts.push({ nodeId: event.nodeId, ...loaded });
    } else if (event.kind === 'leaf') {
      const ledger = (event.details?.data as { memory?: RecordedLedger } | undefined)?.memory;
      if (ledger) leaves.push(leafTelemetry(event.nodeId, ledger));
    }
  }
  if (contexts.length === 0 && leaves.length === 0) return undefined;
  const totals = {
    operations: sum(leaves, (leaf) => leaf.operations),
    bytesReturned: sum(leaves, (leaf) => leaf.bytesReturned),
    subQueries: sum(leaves, (leaf) => leaf.subQueries),
    subQueryTokens: sum(leaves, (leaf) => leaf.subQueryTokens),
    subQueryCostMicrousd: leaves.some((leaf) => leaf.subQueryCostMicrousd === null) ? null : sum(leaves, (leaf) => leaf.subQueryCostMicrousd ?? 0),
    tokensAvoidedEstimate: sum(leaves, (leaf) => leaf.tokensAvoidedEstimate),
    citations: sum(leaves, (leaf) => leaf.citations),
  };
  return { contexts, leaves, totals };
}

function leafTelemetry(nodeId: string, ledger: RecordedLedger): LeafMemoryTelemetry {
  const usage = ledger.sub_query_usage;
  return {
    nodeId,
    contexts: Object.keys(ledger.contexts ?? {}),
    operations: ledger.operations ?? 0,
    bytesReturned: ledger.bytes_returned ?? 0,
    subQueries: ledger.sub_queries ?? 0,
    subQueryTokens: usage ? usage.input_tokens + usage.output_tokens : 0,
    subQueryCostMicrousd: usage ? usage.cost_microusd : 0,
    tokensAvoidedEstimate: ledger.tokens_avoided_estimate ?? 0,
    citations: ledger.citations?.length ?? 0,
  };
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** The memory section of `inspect` and the Markdown report. */
export function formatMemoryUse(use: RunMemoryTelemetry): string {
  const lines = ['memory'];
  for (const context of use.contexts) lines.push(`  context ${context.nodeId}: ${context.bytes} bytes, ${context.lines} lines (sha256 ${context.hash.slice(0, 12)})`);
  for (const leaf of use.leaves) {
    lines.push(
      `  leaf ${leaf.nodeId} [${leaf.contexts.join(', ')}]: ${leaf.operations} operations, ${leaf.bytesReturned} bytes returned, ${leaf.subQueries} sub-queries (${leaf.subQueryTokens} tok, ${formatCost(leaf.subQueryCostMicrousd)}), ~${leaf.tokensAvoidedEstimate} prompt tokens avoided (estimate), ${leaf.citations} citations`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function formatCost(microusd: number | null): string {
  return microusd === null ? 'cost unknown' : `$${(microusd / 1_000_000).toFixed(6)}`;
}
