import type { RunEvent } from '../engine/contracts/index.js';
import type { ReferencedOutput } from './event-row.js';
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
  private readonly recent = new Map<string, { readonly seq: number; readonly output: string }>();
  /** The referred-to output the current row's query read along (referencedOutputColumn), if any. */
  private alongside: string | null | undefined;

  /**
   * `keepsRecent`: false for a pass that decodes no node_finished (replay's read of effects), which
   * would otherwise keep the output of every effect of the run, none ever asked for.
   */
  constructor(
    private readonly readRow: (seq: number, nodeId: unknown) => string | null,
    private readonly keepsRecent = true,
  ) {}

  /** Called before each row is decoded, with what its query read of the row it refers to. */
  row(referenced: string | null | undefined): void {
    this.alongside = referenced;
  }

  /** Called with each event of the pass once decoded. */
  passed(seq: number, event: RunEvent): void {
    if (!this.keepsRecent) return;
    if (event.type === 'effect_completed' && typeof event.result.output === 'string') this.recent.set(event.scope.nodeId, { seq, output: event.result.output });
    else if (event.type === 'node_finished') this.recent.delete(event.nodeId);
  }

  readonly resolve: ReferencedOutput = (reference, nodeId) => {
    const seq = reference[OUTPUT_REFERENCE_KEY];
    const recent = typeof nodeId === 'string' ? this.recent.get(nodeId) : undefined;
    if (recent !== undefined && recent.seq === seq) return recent.output;
    if (typeof this.alongside === 'string') {
      const output = JSON.parse(this.alongside) as unknown;
      if (typeof output === 'string' || output === null) return output;
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
    SELECT CASE WHEN e.type = 'effect_completed' AND e.node_id = r.node_id THEN e.payload -> '$.result.output' END
      FROM events e WHERE e.run_id = r.run_id AND e.seq = (r.payload ->> '$.output."${OUTPUT_REFERENCE_KEY}"')
  ) END AS referenced`;

/** What a store reads of a referred-to row: its type and node, and its output as JSON (a string or a blob reference). */
export interface EffectOutputRow {
  readonly type: string;
  readonly node_id: string | null;
  readonly output: string | null;
}

/**
 * The output a node_finished of `nodeId` refers to, from row `seq` (undefined: no such row). Only
 * an effect_completed of the same node is one: anything else is a damaged log, said as such.
 */
export function outputOfEffectRow(row: EffectOutputRow | undefined, seq: number, nodeId: unknown, getBlob: (hash: string) => Buffer | undefined): string | null {
  if (!row || row.type !== 'effect_completed' || row.node_id !== nodeId || row.output === null) {
    throw new CorruptTraceError(`node_finished of ${String(nodeId)} refers to the output of row ${seq}, which is not an effect_completed of that node`);
  }
  const output = JSON.parse(row.output) as unknown;
  if (typeof output === 'string' || output === null) return output;
  if (!isBlobReference(output)) throw new CorruptTraceError(`row ${seq}'s output is neither text nor a blob reference`);
  const hash = output.$whaleflowBlob;
  const content = getBlob(hash);
  if (content === undefined) throw new CorruptTraceError(`row ${seq} refers to blob ${hash}, which is missing`);
  return blobText(content);
}
