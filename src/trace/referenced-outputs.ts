import type { RunEvent } from '../engine/contracts/index.js';
import type { ReferencedEffect, ReferencedOutput } from './event-row.js';
import { OUTPUT_REFERENCE_KEY } from './output-reference.js';
import { blobText, isBlobReference } from './stored-event-codec.js';
import { CorruptTraceError } from './trace-errors.js';

/**
 * The outputs node_finished rows refer to (output-reference.ts), for one read of a run's rows in
 * order. A pass that reads the effect_completed rows too (replay, export, a whole log) has each
 * referred-to output already: the last completed effect of every node not yet finished is kept,
 * so this holds no more than the run had in flight. Any other reference (a read filtered to node
 * events, or one node's) is read from its row by `readRow`.
 */
export class ReferencedOutputs {
  private readonly recent = new Map<string, { readonly seq: number; readonly effect: ReferencedEffect }>();
  /** The referred-to output the current row's query read along (referencedOutputColumn), if any. */
  private alongside: string | null | undefined;

  /**
   * `keepsRecent`: false for a pass that decodes no node_finished (replay's read of effects), which
   * would otherwise keep the output of every effect of the run, none ever asked for.
   */
  constructor(
    private readonly readRow: (seq: number, nodeId: unknown) => ReferencedEffect,
    private readonly keepsRecent = true,
  ) {}

  /** Called before each row is decoded, with what its query read of the row it refers to. */
  row(referenced: string | null | undefined): void {
    this.alongside = referenced;
  }

  /** Called with each event of the pass once decoded. */
  passed(seq: number, event: RunEvent): void {
    if (!this.keepsRecent) return;
    if (event.type === 'effect_completed' && typeof event.result.output === 'string') {
      this.recent.set(event.scope.nodeId, { seq, effect: { output: event.result.output, usage: event.result.usage, memoUsage: event.result.memo_usage } });
    }
    else if (event.type === 'node_finished') this.recent.delete(event.nodeId);
  }

  readonly resolve: ReferencedOutput = (reference, nodeId): ReferencedEffect => {
    const seq = reference[OUTPUT_REFERENCE_KEY];
    const recent = typeof nodeId === 'string' ? this.recent.get(nodeId) : undefined;
    if (recent !== undefined && recent.seq === seq) return recent.effect;
    if (typeof this.alongside === 'string') {
      const result = JSON.parse(this.alongside) as { output?: unknown; usage?: unknown; memo_usage?: unknown };
      if (typeof result.output === 'string' || result.output === null) return { output: result.output, usage: result.usage, memoUsage: result.memo_usage };
    }
    // Not read along, or a blob reference: the row is read (and checked) on its own.
    return this.readRow(seq, nodeId);
  };
}

/**
 * The column a query of rows of `types` adds (with its comma; '' for none): a query that leaves
 * out effect_completed but reads node_finished (node events alone, as `report` and `inspect` read
 * them) reads along, for a node_finished that refers to an effect row, that row's output as JSON:
 * one statement instead of one query per row. NULL when the row named is not an effect_completed
 * of the same node (reading it alone then says why). The outer table must be `events r`.
 */
export function referencedOutputColumn(types: readonly RunEvent['type'][]): string {
  const readsAlong = types.includes('node_finished') && !types.includes('effect_completed');
  return readsAlong ? `, ${REFERENCED_OUTPUT_COLUMN}` : '';
}

const REFERENCED_OUTPUT_COLUMN = `CASE WHEN r.type = 'node_finished' AND instr(r.payload, '"${OUTPUT_REFERENCE_KEY}"') > 0 THEN (
    SELECT CASE WHEN e.type = 'effect_completed' AND e.node_id = r.node_id THEN e.payload -> '$.result' END
      FROM events e WHERE e.run_id = r.run_id AND e.seq = (r.payload ->> '$.output."${OUTPUT_REFERENCE_KEY}"')
  ) END AS referenced`;

/** What a store reads of a referred-to row: its type and node, and its result as JSON (its output a string or a blob reference). */
export interface EffectOutputRow {
  readonly type: string;
  readonly node_id: string | null;
  readonly result: string | null;
}

/**
 * What a node_finished of `nodeId` refers to in row `seq` (undefined: no such row): its output,
 * and its usage and memo usage (a schema-6 row leaves its own to that row). Only an
 * effect_completed of the same node is one: anything else is a damaged log, said as such.
 */
export function outputOfEffectRow(row: EffectOutputRow | undefined, seq: number, nodeId: unknown, getBlob: (hash: string) => Buffer | undefined): ReferencedEffect {
  const result = row?.result === null || row?.result === undefined ? undefined : (JSON.parse(row.result) as { output?: unknown; usage?: unknown; memo_usage?: unknown });
  if (!row || row.type !== 'effect_completed' || row.node_id !== nodeId || result === undefined || !('output' in result)) {
    throw new CorruptTraceError(`node_finished of ${String(nodeId)} refers to the output of row ${seq}, which is not an effect_completed of that node`);
  }
  const { output, usage, memo_usage: memoUsage } = result;
  if (typeof output === 'string' || output === null) return { output, usage, memoUsage };
  if (!isBlobReference(output)) throw new CorruptTraceError(`row ${seq}'s output is neither text nor a blob reference`);
  const hash = output.$whaleflowBlob;
  const content = getBlob(hash);
  if (content === undefined) throw new CorruptTraceError(`row ${seq} refers to blob ${hash}, which is missing`);
  return { output: blobText(content), usage, memoUsage };
}
