import type { EffectResult, RunEvent } from '../engine/contracts/index.js';
import { eventRowBody, legacyEventRowBody } from './event-row.js';
import { OUTPUT_REFERENCE_KEY, type OutputReference } from './output-reference.js';
import { REQUEST_ROW_KEYS, type RecordedEffect, type RecordedEffects } from './recorded-effects.js';
import { hasKeysInOrder, sameJsonValue } from './same-json-value.js';
import { BLOB_REFERENCE_KEY, EVENT_TYPES } from './stored-event-codec.js';

/** Each event type's name, looked up by an equal string (a row's type column). */
const EVENT_TYPE_NAMES = new Map<string, RunEvent['type']>((Object.keys(EVENT_TYPES) as RunEvent['type'][]).map((type) => [type, type]));
/** The rows whose payload is kept: node and decision rows (an effect row is checked against its recorded effect). */
const KEPT_TYPES: ReadonlySet<RunEvent['type']> = new Set<RunEvent['type']>(['node_started', 'node_finished', 'decision']);

/** A request row is kept as text (not decoded) only below this length: a longer one is decoded, its long strings held as digests. */
const REQUEST_TEXT_MAX_CHARS = 64 * 1024;
/** How the engine's own request rows open (REQUEST_ROW_KEYS without the envelope the columns hold). */
const REQUEST_ROW_OPENING = '{"kind":';

/**
 * A recorded run's rows as a replay recording by reference compares its events with them
 * (referencing-replay-sink.ts), noted in the one pass that reads the run's effects
 * (readRecordedRun): each row's sequence number and type, and the stored payload of the node
 * and decision rows. A completion is checked against the recorded effect already read (its very
 * result object), so its payload, most of the bytes, is not kept.
 *
 * A request row of the engine's own plain shape is kept as its text and not decoded: the effect
 * it asks for is read from its completion, which must open with the same kind, key, scope and
 * ordinal (RecordedEffects), and the replay's request is compared with the text as the writer
 * would store it. Decoding the 10,000 requests of a 10,000-leaf run cost ~0.25× the plain read of
 * the whole run. Any other request row (escapes, a redacted input, blobs, an older row shape) is
 * decoded as it is read.
 */
export class RecordedRows {
  readonly seqs: number[] = [];
  readonly types: RunEvent['type'][] = [];
  readonly payloads: (string | null)[] = [];
  /** The node of each node or decision row whose payload is kept. */
  readonly nodeIds: (string | null)[] = [];
  /**
   * Decodes the request row at an index, kept as text, as the store reads any row (a damaged one
   * raises as it would have when read); set by the store that notes the rows.
   */
  decodeRequest: ((index: number) => RunEvent) | undefined;
  /** The request rows kept as text and not yet taken, by node, oldest first (see RecordedEffects). */
  private readonly pendingRequests = new Map<string, number[]>();

  /** Notes a row; true when it is a request row kept as text, which the reader then does not decode. */
  note(seq: number, type: string, nodeId: string | null, payload: string): boolean {
    // The type as the one interned name, not the row's own copy of it: 40,000 rows at 10,000
    // leaves would each hold a string, and every comparison with a type would compare text.
    const kind = EVENT_TYPE_NAMES.get(type) ?? (type as RunEvent['type']);
    const asText = kind === 'effect_requested' && nodeId !== null && this.decodeRequest !== undefined && isPlainRequestText(payload);
    const kept = asText || KEPT_TYPES.has(kind);
    this.seqs.push(seq);
    this.types.push(kind);
    this.payloads.push(kept ? payload : null);
    this.nodeIds.push(kept && !asText ? nodeId : null);
    if (asText) {
      const index = this.seqs.length - 1;
      const pending = this.pendingRequests.get(nodeId);
      if (pending) pending.push(index);
      else this.pendingRequests.set(nodeId, [index]);
    }
    return asText;
  }

  /** The newest request row of `nodeId` kept as text and not yet taken, if any. */
  newestPendingRequest(nodeId: string): number | undefined {
    const pending = this.pendingRequests.get(nodeId);
    return pending?.[pending.length - 1];
  }

  /** Takes the newest request row of `nodeId` kept as text (newestPendingRequest): a completion took it. */
  takeNewestPendingRequest(nodeId: string): void {
    const pending = this.pendingRequests.get(nodeId);
    pending?.pop();
    if (pending?.length === 0) this.pendingRequests.delete(nodeId);
  }

  /**
   * The request rows kept as text of `nodeId` (or of every node), oldest first, decoded and given
   * up: their payloads are let go, as a decoded request is compared by its input.
   */
  decodePending(nodeId?: string): { readonly seq: number; readonly event: RunEvent }[] {
    const indexes = nodeId === undefined ? [...this.pendingRequests.values()].flat().sort((left, right) => left - right) : (this.pendingRequests.get(nodeId) ?? []);
    if (nodeId === undefined) this.pendingRequests.clear();
    else this.pendingRequests.delete(nodeId);
    return indexes.map((index) => {
      const event = this.decodeRequest!(index);
      this.payloads[index] = null;
      return { seq: this.seqs[index]!, event };
    });
  }

  get hasPendingRequests(): boolean {
    return this.pendingRequests.size > 0;
  }

  get length(): number {
    return this.seqs.length;
  }

  /** The index of the row with sequence number `seq`, if there is one. */
  indexOf(seq: number): number | undefined {
    const guess = seq - (this.seqs[0] ?? 0);
    if (this.seqs[guess] === seq) return guess;
    // A compacted run has gaps (its progress rows were dropped): search.
    let low = 0;
    let high = this.seqs.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const found = this.seqs[middle]!;
      if (found === seq) return middle;
      if (found < seq) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

/**
 * A request row that is compared as text: the engine's own shape, no escapes (so a `"redacted"`
 * key or a blob reference cannot hide in one), neither redacted nor with blobs, and short.
 */
function isPlainRequestText(payload: string): boolean {
  return payload.length < REQUEST_TEXT_MAX_CHARS && payload.startsWith(REQUEST_ROW_OPENING) && !payload.includes('\\') && !payload.includes('"redacted"') && !payload.includes(BLOB_REFERENCE_KEY);
}

/**
 * Whether a request row kept as text is, from `inputAt` on, `input` as JSON and the row's closing
 * brace: its text before that is the kind, key, scope and ordinal its completion has, which the
 * replay's request was found equal to. (A slice compared whole: `startsWith` at an offset cost more.)
 */
function endsWithInput(payload: string, inputAt: number, input: unknown): boolean {
  const json = JSON.stringify(input) as string | undefined;
  return json !== undefined && payload.length === inputAt + json.length + 1 && payload.endsWith('}') && payload.slice(inputAt, -1) === json;
}

/**
 * Which recorded row a replayed event is, if it is one: the replay emits a run's events in an order
 * of its own (what finished first when recorded is no longer first), so each is looked up among
 * the rows not yet claimed. Node and decision events among their node's rows of their type, by the
 * row's JSON, exactly as the writer would store them (a node_finished whose recorded output refers to its effect's row, with that
 * reference); effects by the slot, kind and key the boundary served them for, a request also by
 * its input (the row holds the input the key names: see RecordedEffect.requestRow), and a
 * completion by its result, which is the recorded object itself. An effect whose recorded input
 * was redacted is never one: the replay asked with another key.
 */
export class RecordedRowMatcher {
  /** Rows a replayed event was found to be. */
  readonly claimed: Uint8Array;
  /**
   * The node and decision rows by node, one map per type (several for a node that ran more than
   * once). Entries stay when claimed (the claim marks the row): a delete per event cost more than
   * the lookup, and the map holds only numbers and the node ids.
   */
  private readonly started = new Map<string, number | number[]>();
  private readonly finished = new Map<string, number | number[]>();
  private readonly decisions = new Map<string, number | number[]>();
  /** Each node's last claimed effect, until the node finishes (its node_finished may refer to its row). */
  private readonly lastEffects = new Map<string, RecordedEffect>();

  constructor(
    readonly rows: RecordedRows,
    private readonly effects: RecordedEffects,
  ) {
    this.claimed = new Uint8Array(rows.length);
    for (let index = 0; index < rows.length; index += 1) {
      const nodeId = rows.nodeIds[index];
      if (nodeId === null || nodeId === undefined) continue;
      const byNode = this.rowsOfType(rows.types[index]!);
      if (!byNode) continue;
      const seen = byNode.get(nodeId);
      if (seen === undefined) byNode.set(nodeId, index);
      else if (typeof seen === 'number') byNode.set(nodeId, [seen, index]);
      else seen.push(index);
    }
  }

  /**
   * The unclaimed row `event` is, claimed now; undefined when there is none. A claimed row's payload
   * is let go: at 100,000 leaves the node rows' payloads are tens of megabytes, held only until
   * the replay has emitted their events.
   */
  claim(event: RunEvent): number | undefined {
    const index = this.find(event);
    if (index === undefined) return undefined;
    this.claimed[index] = 1;
    this.rows.payloads[index] = null;
    this.rows.nodeIds[index] = null;
    return index;
  }

  private find(event: RunEvent): number | undefined {
    switch (event.type) {
      case 'effect_requested': {
        const recorded = this.recordedEffect(event);
        if (recorded?.requestedSeq === undefined || recorded.requestRow === undefined || recorded.redactedInput !== undefined) return undefined;
        const index = this.unclaimed(recorded.requestedSeq, 'effect_requested');
        // The key names the input, but the row holds the input too: it must be the one asked with,
        // and the row read back as this request (the same keys in the same order, scope and ordinal):
        // the input compared as JSON values with a decoded row's, as text with a row kept as text.
        const row = recorded.requestRow;
        const same =
          index !== undefined &&
          recorded.ordinal === event.ordinal &&
          hasKeysInOrder(event, REQUEST_ROW_KEYS) &&
          sameJsonValue(recorded.scope, event.scope) &&
          ('input' in row ? sameJsonValue(row.input, event.input) : endsWithInput(this.rows.payloads[index]!, row.inputAt, event.input));
        if (!same) {
          // A row kept as text was never decoded: one that is not even JSON is a damaged trace, said as such (it throws).
          if (index !== undefined && !('input' in row)) this.rows.decodeRequest?.(index);
          return undefined;
        }
        this.effects.releaseRequestRow(recorded);
        return index;
      }
      case 'effect_completed': {
        const recorded = this.recordedEffect(event);
        if (recorded?.completedSeq === undefined || event.result !== recorded.result || event.source !== 'trace') return undefined;
        const index = this.unclaimed(recorded.completedSeq, 'effect_completed');
        if (index !== undefined) this.lastEffects.set(event.scope.nodeId, recorded);
        return index;
      }
      case 'node_finished': {
        const effect = this.lastEffects.get(event.nodeId);
        this.lastEffects.delete(event.nodeId);
        const reference = effect?.completedSeq !== undefined && effect.result.output === event.output ? { [OUTPUT_REFERENCE_KEY]: effect.completedSeq } : undefined;
        const referring = reference ? this.ofNodeEitherShape(event, reference, effect!.result) : undefined;
        return referring ?? this.ofNodeEitherShape(event);
      }
      case 'node_started':
        return this.ofNodeEitherShape(event);
      case 'decision':
        return this.ofNode(event.type, event.nodeId, JSON.stringify(eventRowBody(event)));
      default:
        return undefined;
    }
  }

  private recordedEffect(event: Extract<RunEvent, { type: 'effect_requested' | 'effect_completed' }>): RecordedEffect | undefined {
    if (event.scope.within !== undefined) return undefined;
    const recorded = this.effects.inSlot(this.effects.slotOf(event.scope, event.ordinal));
    return recorded?.kind === event.kind && recorded.key === event.key ? recorded : undefined;
  }

  private unclaimed(seq: number, type: RunEvent['type']): number | undefined {
    const index = this.rows.indexOf(seq);
    return index !== undefined && this.rows.types[index] === type && this.claimed[index] === 0 ? index : undefined;
  }

  /**
   * The unclaimed row a node event is, as this version writes it or, for a run recorded before
   * schema 6, as that one did (with its node id, a node_finished with its usage).
   */
  private ofNodeEitherShape(event: Extract<RunEvent, { type: 'node_started' | 'node_finished' }>, reference?: OutputReference, effectResult?: EffectResult): number | undefined {
    return this.ofNode(event.type, event.nodeId, JSON.stringify(eventRowBody(event, reference, effectResult))) ?? this.ofNode(event.type, event.nodeId, JSON.stringify(legacyEventRowBody(event, reference)));
  }

  private rowsOfType(type: RunEvent['type']): Map<string, number | number[]> | undefined {
    switch (type) {
      case 'node_started':
        return this.started;
      case 'node_finished':
        return this.finished;
      case 'decision':
        return this.decisions;
      default:
        return undefined;
    }
  }

  /** The unclaimed row of `nodeId` and `type` whose payload is `json`. */
  private ofNode(type: RunEvent['type'], nodeId: string, json: string): number | undefined {
    const found = this.rowsOfType(type)?.get(nodeId);
    if (found === undefined) return undefined;
    if (typeof found === 'number') return this.claimed[found] === 0 && this.rows.payloads[found] === json ? found : undefined;
    return found.find((index) => this.claimed[index] === 0 && this.rows.payloads[index] === json);
  }
}
