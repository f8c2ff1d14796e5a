// Types only from engine/ (see event-row.ts: this file runs in the trace writer's thread too).
import type { EffectResult, RunEvent } from '../engine/contracts/index.js';
import { CorruptTraceError } from './trace-errors.js';

/**
 * A node's output stored once. A node's node_finished almost always carries the very output its
 * last effect_completed carries (a leaf's answer, a reduce's summary): at 10,000 leaves that is
 * the bulk of node_finished's bytes, written, committed and read twice. So a node_finished whose
 * output equals its node's last completed effect's stores `{"$whaleflowOutputOf": <seq>}` in its
 * place: the sequence number of that effect_completed row in the same run. Reads put the
 * output back, so every reader gets the event it got before (see readOutputReference).
 *
 * The engine's thread decides (it has the strings, compares them, and leaves the output out of
 * the JSON it hands over: RecentEffectOutputs); the writer knows the sequence numbers and fills
 * them in (EffectRowSeqs). Both see the same events in the same order, so "this node's last
 * completed effect" is the same row for both. A row referred to always precedes its reference in
 * the log, so a log cut short by a crash never holds a reference without its row.
 */
export const OUTPUT_REFERENCE_KEY = '$whaleflowOutputOf';

export interface OutputReference {
  readonly [OUTPUT_REFERENCE_KEY]: number;
}

/**
 * An output of this many characters or fewer stays in place: a reference takes about as many
 * (`{"$whaleflowOutputOf":123456}`), so it would save nothing.
 */
export const MIN_REFERENCED_OUTPUT_CHARS = 32;

/** What the engine's thread leaves in node_finished's JSON; the writer puts the row's sequence number in its place. */
export const PENDING_OUTPUT_REFERENCE: OutputReference = { [OUTPUT_REFERENCE_KEY]: -1 };

const PENDING_TEXT = `"output":${JSON.stringify(PENDING_OUTPUT_REFERENCE)}`;

/**
 * Whether the writer can fill in the pending reference of this node_finished JSON: its text occurs
 * exactly once, so that once is the event's own output and not something a nested value (a
 * node's details) happens to spell.
 */
export function pendingReferenceIsUnique(json: string): boolean {
  const at = json.indexOf(PENDING_TEXT);
  return at >= 0 && json.indexOf(PENDING_TEXT, at + 1) < 0;
}

export function isOutputReference(value: unknown): value is OutputReference {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[OUTPUT_REFERENCE_KEY] === 'number';
}

/**
 * The engine's thread's half: the output of each node's last completed effect, until the node
 * finishes. Only nodes with an effect in flight or just completed are held, so this stays as
 * small as the run's concurrency.
 */
export class RecentEffectOutputs {
  private readonly results = new Map<string, EffectResult>();

  /**
   * Notes an effect_completed; for a node_finished that may store its output as a reference, the
   * result of the effect it refers to (whose usage it may leave to that row too: event-row.ts).
   */
  referredEffect(event: RunEvent): EffectResult | undefined {
    if (event.type === 'effect_completed') {
      const output = event.result.output;
      if (typeof output === 'string' && output.length > MIN_REFERENCED_OUTPUT_CHARS) this.results.set(event.scope.nodeId, event.result);
      else this.results.delete(event.scope.nodeId);
      return undefined;
    }
    if (event.type !== 'node_finished') return undefined;
    const result = this.results.get(event.nodeId);
    if (result === undefined) return undefined;
    this.results.delete(event.nodeId);
    return result.output === event.output ? result : undefined;
  }
}

/**
 * The writer's half: the sequence number of each node's last effect_completed row, per run, until
 * the node finishes (the same window as RecentEffectOutputs). After a failed write the rows it
 * counted may not exist, so it refuses every reference from then on rather than point at a
 * wrong row (after a failure the sinks write nothing but a run_finished anyway).
 */
export class EffectRowSeqs {
  private readonly runs = new Map<string, Map<string, number>>();
  private broken = false;

  completed(runId: string, nodeId: string, seq: number): void {
    let nodes = this.runs.get(runId);
    if (!nodes) this.runs.set(runId, (nodes = new Map()));
    nodes.set(nodeId, seq);
  }

  /** Forgets the node's effect row; returns its sequence number. */
  finished(runId: string, nodeId: string): number | undefined {
    const nodes = this.runs.get(runId);
    const seq = nodes?.get(nodeId);
    if (seq !== undefined) nodes!.delete(nodeId);
    return seq;
  }

  runFinished(runId: string): void {
    this.runs.delete(runId);
  }

  /** A write failed: what was counted may not have been written. */
  invalidate(): void {
    this.broken = true;
    this.runs.clear();
  }

  /** node_finished's JSON with the pending reference filled in: `seq` from finished(). */
  fill(json: string, runId: string, nodeId: string | null, seq: number | undefined): string {
    const at = json.indexOf(PENDING_TEXT);
    if (this.broken || seq === undefined || at < 0) {
      throw new CorruptTraceError(`node_finished of ${nodeId ?? '?'} in run ${runId} refers to an effect row ${this.broken ? 'after a failed write' : 'this writer has not written'}`);
    }
    return referenceAt(json, seq, at);
  }
}

/**
 * node_finished's JSON with its pending reference made a reference to row `seq` (the same text as
 * serializing the event with that reference, when the pending text is the event's own output:
 * pendingReferenceIsUnique); undefined when it has none.
 */
export function withOutputReference(json: string, seq: number): string | undefined {
  const at = json.indexOf(PENDING_TEXT);
  return at < 0 ? undefined : referenceAt(json, seq, at);
}

/** The pending reference at `at` (the only occurrence: pendingReferenceIsUnique) filled in: the event's own output. */
function referenceAt(json: string, seq: number, at: number): string {
  return `${json.slice(0, at)}"output":{"${OUTPUT_REFERENCE_KEY}":${seq}}${json.slice(at + PENDING_TEXT.length)}`;
}
