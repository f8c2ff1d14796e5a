import type { EffectResult, EffectScope, RunEvent } from '../engine/contracts/index.js';
import { eventRowBody, legacyEventRowBody } from './event-row.js';
import { NodeRowTexts } from './node-row-texts.js';
import { OUTPUT_REFERENCE_KEY, withOutputReference, type OutputReference } from './output-reference.js';
import { effectSlot, REQUEST_ROW_KEYS, type RecordedEffect, type RecordedEffects } from './recorded-effects.js';
import { hasKeysInOrder, sameJsonValue } from './same-json-value.js';
import { REFERENCED_TYPES } from './run-references.js';

/**
 * A recorded run's rows as a replay recording by reference compares its events with them
 * (referencing-replay-sink.ts), noted in the one pass that reads the run's effects
 * (readRecordedRun): each row's sequence number and type, and the stored payload of the node
 * and decision rows. Effect rows are checked against the recorded effects already read (a
 * request's input, a completion's very result object), so their payloads, most of the bytes, are
 * not kept.
 */
export class RecordedRows {
  readonly seqs: number[] = [];
  readonly types: RunEvent['type'][] = [];
  readonly payloads: (string | null)[] = [];
  /** The node of each row whose payload is kept. */
  readonly nodeIds: (string | null)[] = [];
  /** Each type name noted, one string per name (see note). */
  private readonly typeNames: string[] = [];
  /** The last node_started payload kept: a fan-out's are the same text (schema 6), held once. */
  private lastStarted: string | undefined;

  /**
   * Notes a row, and returns its type as the one string held for that name: SQLite hands each
   * row's type over as a new string, and held for 40,000 rows those were ~1.3 MB the scavenger
   * copied, each hashed anew by every set or map it was looked up in.
   */
  note(seq: number, type: string, nodeId: string | null, payload: string): RunEvent['type'] {
    const kind = this.typeName(type);
    const kept = REFERENCED_TYPES.has(kind) && kind !== 'effect_requested' && kind !== 'effect_completed';
    this.seqs.push(seq);
    this.types.push(kind);
    if (kept && kind === 'node_started') {
      if (payload === this.lastStarted) payload = this.lastStarted;
      else this.lastStarted = payload;
    }
    this.payloads.push(kept ? payload : null);
    this.nodeIds.push(kept ? nodeId : null);
    return kind;
  }

  private typeName(type: string): RunEvent['type'] {
    for (const name of this.typeNames) if (name === type) return name as RunEvent['type'];
    this.typeNames.push(type);
    return type as RunEvent['type'];
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
  /** The node and decision rows by type and node (several for a node that ran more than once). */
  private readonly byNode = new Map<RunEvent['type'], Map<string, number | number[]>>();
  /** Each node's last claimed effect, until the node finishes (its node_finished may refer to its row). */
  private readonly lastEffects = new Map<string, RecordedEffect>();
  /** The last effect looked up by its slot, and the scope and ordinal it was looked up for. */
  private lastScope: EffectScope | undefined;
  private lastOrdinal = -1;
  private lastFound: RecordedEffect | undefined;
  /** A fan-out's node events serialized once, as the engine's thread writes them (NodeRowTexts). */
  private readonly nodeTexts = new NodeRowTexts();

  constructor(
    readonly rows: RecordedRows,
    private readonly effects: RecordedEffects,
  ) {
    this.claimed = new Uint8Array(rows.length);
    for (let index = 0; index < rows.length; index += 1) {
      const nodeId = rows.nodeIds[index];
      if (nodeId === null || nodeId === undefined) continue;
      const type = rows.types[index]!;
      let byType = this.byNode.get(type);
      if (!byType) this.byNode.set(type, (byType = new Map()));
      const seen = byType.get(nodeId);
      if (seen === undefined) byType.set(nodeId, index);
      else if (typeof seen === 'number') byType.set(nodeId, [seen, index]);
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
    const nodeId = this.rows.nodeIds[index];
    if (nodeId !== null && nodeId !== undefined) {
      const byType = this.byNode.get(this.rows.types[index]!);
      if (byType?.get(nodeId) === index) byType.delete(nodeId);
      this.rows.nodeIds[index] = null;
    }
    return index;
  }

  private find(event: RunEvent): number | undefined {
    switch (event.type) {
      case 'effect_requested': {
        const recorded = this.recordedEffect(event);
        if (recorded?.requestedSeq === undefined || recorded.requestRow === undefined || recorded.redactedInput !== undefined) return undefined;
        // The key names the input, but the row holds the input too: it must be the one asked with,
        // and the row read back as this request (the same keys in the same order, scope and ordinal).
        const same = recorded.ordinal === event.ordinal && hasKeysInOrder(event, REQUEST_ROW_KEYS) && sameJsonValue(recorded.scope, event.scope) && sameJsonValue(recorded.requestRow.input, event.input);
        const index = same ? this.unclaimed(recorded.requestedSeq, 'effect_requested') : undefined;
        if (index !== undefined) this.effects.releaseRequestRow(recorded);
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
        const referring = effect?.completedSeq !== undefined && effect.result.output === event.output ? this.referringNodeFinished(event, effect.completedSeq, effect.result) : undefined;
        return referring ?? this.ofNodeEitherShape(event);
      }
      case 'node_started':
        return this.ofNode(event.type, event.nodeId, this.nodeTexts.startedJson(event)) ?? this.ofNodeEitherShape(event);
      case 'decision':
        return this.ofNode(event.type, event.nodeId, JSON.stringify(eventRowBody(event)));
      default:
        return undefined;
    }
  }

  private recordedEffect(event: Extract<RunEvent, { type: 'effect_requested' | 'effect_completed' }>): RecordedEffect | undefined {
    const { scope, ordinal } = event;
    if (scope.within !== undefined) return undefined;
    // An effect's completion follows its request with the same scope object: its slot is looked up once.
    if (this.lastScope !== scope || this.lastOrdinal !== ordinal) {
      this.lastFound = this.effects.inSlot(effectSlot(scope, ordinal));
      this.lastScope = scope;
      this.lastOrdinal = ordinal;
    }
    const recorded = this.lastFound;
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

  /**
   * The unclaimed row a node_finished is that refers to its effect's row `seq` for its output: first
   * as the engine's thread writes a fan-out's (NodeRowTexts, the reference filled in as the writer
   * fills it), then in either shape as serialized.
   */
  private referringNodeFinished(event: Extract<RunEvent, { type: 'node_finished' }>, seq: number, effectResult: EffectResult): number | undefined {
    const pending = this.nodeTexts.finishedJson(event, effectResult);
    const json = pending === undefined ? undefined : withOutputReference(pending, seq);
    return (json === undefined ? undefined : this.ofNode(event.type, event.nodeId, json)) ?? this.ofNodeEitherShape(event, { [OUTPUT_REFERENCE_KEY]: seq }, effectResult);
  }

  /** The unclaimed row of `nodeId` and `type` whose payload is `json`. */
  private ofNode(type: RunEvent['type'], nodeId: string, json: string): number | undefined {
    const found = this.byNode.get(type)?.get(nodeId);
    if (found === undefined) return undefined;
    if (typeof found === 'number') return this.claimed[found] === 0 && this.rows.payloads[found] === json ? found : undefined;
    return found.find((index) => this.claimed[index] === 0 && this.rows.payloads[index] === json);
  }
}
