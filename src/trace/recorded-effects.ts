import type { EffectKind, EffectResult, EffectScope, RunEvent } from '../engine/contracts/index.js';
import { hasKeysInOrder, sameJsonValue, withLongTextsDigested } from './same-json-value.js';
import type { RecordedRows } from './recorded-rows.js';
import { CorruptTraceError } from './trace-errors.js';

/** One effect as the trace recorded it. */
export interface RecordedEffect {
  readonly kind: EffectKind;
  readonly key: string;
  readonly scope: EffectScope;
  readonly ordinal: number;
  readonly result: EffectResult;
  /**
   * Set when the trace store redacted a secret from the effect's input (see the `redacted`
   * field of effect_requested): the stored input, not the key, identifies the effect.
   */
  readonly redactedInput?: unknown;
  /** The sequence numbers of its effect_requested and effect_completed rows, when read from a store (see RecordedEffects). */
  readonly requestedSeq?: number;
  readonly completedSeq?: number;
  /**
   * Read from a store: its effect_requested row as the replay's own request would be written
   * (REQUEST_ROW_KEYS, the completion's scope and ordinal), whose input this is. Only such a
   * request may be referred to by a replay (RecordedRowMatcher), once its input equals the one asked with.
   */
  readonly requestRow?: RequestRow;
}

/**
 * How a replay compares its request with the recorded row (RecordedRowMatcher): as JSON values
 * with the row's decoded input, or, for a row kept as text (RecordedRows), whose text up to
 * `inputAt` is the request's kind, key, scope and ordinal as its completion has them, by the
 * input's JSON with the text from there.
 */
export type RequestRow = { readonly input: unknown } | { readonly inputAt: number };

/** The keys of an effect_requested as the engine builds it, in order; a row of other keys (redacted, hand-made) is never referred to. */
export const REQUEST_ROW_KEYS: readonly string[] = ['type', 'runId', 'at', 'kind', 'key', 'scope', 'ordinal', 'input'];

/**
 * Whether `request` asks for the recorded effect: the same kind and key — or, when the store
 * redacted a secret from the recorded input (so the exact key was computed from text the trace
 * no longer holds), the same kind and an input equal to the redacted one. A replay or resume
 * builds that input from the redacted outputs it is served, so it matches exactly then.
 */
export function isSameEffect(recorded: Pick<RecordedEffect, 'kind' | 'key' | 'redactedInput'>, request: { readonly kind: EffectKind; readonly key: string; readonly input: unknown }): boolean {
  if (recorded.kind !== request.kind) return false;
  if (recorded.key === request.key) return true;
  // Both inputs come from the engine's one builder (the stored one through JSON), so their key order agrees.
  return recorded.redactedInput !== undefined && JSON.stringify(recorded.redactedInput) === JSON.stringify(request.input);
}

interface RequestedEffect {
  readonly kind: EffectKind;
  readonly key: string;
  readonly scope: EffectScope;
  readonly ordinal: number;
  readonly redactedInput?: unknown;
  readonly requestedSeq?: number;
  /** Its input, when its row has the shape of the engine's own requests (REQUEST_ROW_KEYS); for a row kept as text, that. */
  readonly rowInput?: RequestRow;
}

type Mutable<T> = { -readonly [Field in keyof T]: T[Field] };

function placeOf(event: { readonly kind: EffectKind; readonly scope: EffectScope; readonly ordinal: number }): string {
  return describeEffectPlace(event.kind, event.scope, event.ordinal);
}

/** The slot of an effect: (node, iteration, ordinal). */
export function effectSlot(scope: EffectScope, ordinal: number): string {
  const base = `${scope.nodeId}\u0000${scope.iteration}\u0000${ordinal}`;
  return scope.within === undefined ? base : `${base}\u0000within ${scope.within}`;
}

/** Whether an effect ran inside another one (a leaf's memory operation): see EffectScope.within. */
export function isNestedEffect(scope: EffectScope): boolean {
  return scope.within !== undefined;
}

/** A human name for an effect's place, used in every replay message. */
export function describeEffectPlace(kind: EffectKind, scope: EffectScope, ordinal: number): string {
  const nested = scope.within === undefined ? '' : ` inside effect #${scope.within}`;
  return `node "${scope.nodeId}" (iteration ${scope.iteration}), ${kind} effect #${ordinal}${nested}`;
}

/**
 * The completed effects of a recorded run, indexed by slot and by key. Building it checks
 * the trace's own consistency, so a tampered trace fails with a precise message: every
 * completion must follow a request for the same slot, kind and key, and no slot may be
 * completed twice.
 */
export class RecordedEffects {
  private readonly bySlot = new Map<string, RecordedEffect>();
  /** By key, built on the first withKey: resume looks effects up by key, replay never does. */
  private byKey: Map<string, RecordedEffect[]> | undefined;
  /** See slotOf. */
  private lastSlot: { readonly scope: EffectScope; readonly ordinal: number; readonly nodeId: string; readonly iteration: number; readonly within: number | undefined; readonly slot: string } | undefined;
  /** Effects requested but never completed (in flight at a crash or cancel). */
  readonly unfinished: { readonly kind: EffectKind; readonly key: string; readonly scope: EffectScope; readonly ordinal: number }[] = [];

  /**
   * Reads the events once, in order: a stream of a run's rows will do (only requests in flight are
   * held). `rowSeq`, for a stream of stored rows, gives the sequence number of the event just read:
   * a replay that records by reference compares its events with those rows (referencing-replay-sink.ts).
   * `rows`: the rows noted in the same pass, whose plain request rows were kept as text rather than
   * decoded (RecordedRows): a completion takes its node's newest one when it opens as its request.
   */
  constructor(events: Iterable<RunEvent>, rowSeq?: () => number, rows?: RecordedRows) {
    const requested = new Map<string, RequestedEffect>();
    const request = (event: Extract<RunEvent, { type: 'effect_requested' }>, seq: number | undefined): void => {
      const requestedEffect: Mutable<RequestedEffect> = { kind: event.kind, key: event.key, scope: event.scope, ordinal: event.ordinal };
      if (event.redacted) requestedEffect.redactedInput = event.input;
      if (seq !== undefined) {
        requestedEffect.requestedSeq = seq;
        // Kept only to be compared with the replay's request, which it must equal to be referred to.
        if (hasKeysInOrder(event, REQUEST_ROW_KEYS)) requestedEffect.rowInput = { input: withLongTextsDigested(event.input) };
      }
      requested.set(effectSlot(event.scope, event.ordinal), requestedEffect);
    };
    // Requests kept as text, decoded after all (in their order): before a decoded request of their node, so the newest request of a slot still wins.
    const decodePending = (nodeId?: string): void => {
      for (const { seq, event } of rows!.decodePending(nodeId)) if (event.type === 'effect_requested') request(event, seq);
    };
    for (const event of events) {
      if (event.type === 'effect_requested') {
        if (rows?.newestPendingRequest(event.scope.nodeId) !== undefined) decodePending(event.scope.nodeId);
        request(event, rowSeq?.());
      } else if (event.type === 'effect_completed') {
        this.add(event, requested, rowSeq, rows && { rows, decodePending });
      }
    }
    if (rows?.hasPendingRequests) decodePending();
    for (const [slot, request] of requested) if (!this.bySlot.has(slot)) this.unfinished.push(request);
  }

  private add(event: Extract<RunEvent, { type: 'effect_completed' }>, requested: Map<string, RequestedEffect>, rowSeq: (() => number) | undefined, kept: KeptRequests | undefined): void {
    const slot = effectSlot(event.scope, event.ordinal);
    // The place is named only in an error (placeOf): building it, or a closure for it, for every effect cost garbage per leaf.
    if (this.bySlot.has(slot)) throw new CorruptTraceError(`trace is inconsistent: ${placeOf(event)} is recorded as completed twice`);
    let request = kept ? requestKeptAsText(event, slot, requested, kept) : undefined;
    request ??= requested.get(slot);
    if (!request && kept?.rows.hasPendingRequests) {
      // A request kept as text under another node (its row's node column says otherwise): decode them all, as before.
      kept.decodePending();
      request = requested.get(slot);
    }
    if (!request) throw new CorruptTraceError(`trace is inconsistent: ${placeOf(event)} completed (key ${event.key}) but was never requested`);
    if (request.key !== event.key || request.kind !== event.kind) {
      throw new CorruptTraceError(
        `trace is inconsistent: ${placeOf(event)} was requested as ${request.kind} ${request.key} but completed as ${event.kind} ${event.key}`,
      );
    }
    // A completed request is settled: only those still in flight stay held while a big run is read.
    requested.delete(slot);
    const recorded: Mutable<RecordedEffect> = { kind: event.kind, key: event.key, scope: event.scope, ordinal: event.ordinal, result: event.result };
    if (request.redactedInput !== undefined) recorded.redactedInput = request.redactedInput;
    if (rowSeq && request.requestedSeq !== undefined) {
      recorded.requestedSeq = request.requestedSeq;
      recorded.completedSeq = rowSeq();
      // The request's scope and ordinal as the completion has them, so the replay's request is compared with those.
      if (request.rowInput && request.ordinal === event.ordinal && sameJsonValue(request.scope, event.scope)) recorded.requestRow = request.rowInput;
    }
    this.bySlot.set(slot, recorded);
  }

  /** Lets a request row's input go once a replay matched it (RecordedRowMatcher compares it once): a wide replay holds fewer at a time. */
  releaseRequestRow(effect: RecordedEffect): void {
    (effect as Mutable<RecordedEffect>).requestRow = undefined;
  }

  /**
   * effectSlot(scope, ordinal), kept for the scope object last asked about: a replay asks for
   * each effect's slot three times in a row (its request matched by reference, served, its
   * completion matched), and a slot is a new string each time it is built.
   */
  slotOf(scope: EffectScope, ordinal: number): string {
    const last = this.lastSlot;
    if (last && last.scope === scope && last.ordinal === ordinal && last.nodeId === scope.nodeId && last.iteration === scope.iteration && last.within === scope.within) return last.slot;
    const slot = effectSlot(scope, ordinal);
    this.lastSlot = { scope, ordinal, nodeId: scope.nodeId, iteration: scope.iteration, within: scope.within, slot };
    return slot;
  }

  at(scope: EffectScope, ordinal: number): RecordedEffect | undefined {
    return this.bySlot.get(effectSlot(scope, ordinal));
  }

  /** The effect recorded in `slot` (see effectSlot): for a caller that built the slot already. */
  inSlot(slot: string): RecordedEffect | undefined {
    return this.bySlot.get(slot);
  }

  withKey(key: string): readonly RecordedEffect[] {
    if (!this.byKey) {
      // In recording order, as the slots were filled: resume serves the first usable one.
      this.byKey = new Map();
      for (const recorded of this.bySlot.values()) {
        const keyed = this.byKey.get(recorded.key);
        if (keyed) keyed.push(recorded);
        else this.byKey.set(recorded.key, [recorded]);
      }
    }
    return this.byKey.get(key) ?? [];
  }

  all(): IterableIterator<RecordedEffect> {
    return this.bySlot.values();
  }

  /** Every recorded effect with its slot (see effectSlot), in recording order. */
  slots(): IterableIterator<[string, RecordedEffect]> {
    return this.bySlot.entries();
  }

  get size(): number {
    return this.bySlot.size;
  }
}

/** The rows a read kept plain request rows of as text, and how to decode them (RecordedEffects' constructor). */
interface KeptRequests {
  readonly rows: RecordedRows;
  readonly decodePending: (nodeId?: string) => void;
}

/**
 * The request a completion completes when it is its node's newest request row kept as text: that
 * row opens as this completion's request would be written (the same kind, key, scope and ordinal
 * as JSON text), so it asks for this slot, and, being the newest, replaces any older request of
 * the slot. Otherwise the node's rows kept as text are decoded (in order, as any request), and
 * undefined says to look the slot up as usual.
 */
function requestKeptAsText(event: Extract<RunEvent, { type: 'effect_completed' }>, slot: string, requested: Map<string, RequestedEffect>, kept: KeptRequests): RequestedEffect | undefined {
  const newest = kept.rows.newestPendingRequest(event.scope.nodeId);
  if (newest === undefined) return undefined;
  const opening = `{"kind":${JSON.stringify(event.kind)},"key":${JSON.stringify(event.key)},"scope":${JSON.stringify(event.scope)},"ordinal":${JSON.stringify(event.ordinal)},"input":`;
  if (!kept.rows.payloads[newest]!.startsWith(opening)) {
    kept.decodePending(event.scope.nodeId);
    return undefined;
  }
  kept.rows.takeNewestPendingRequest(event.scope.nodeId);
  requested.delete(slot);
  return { kind: event.kind, key: event.key, scope: event.scope, ordinal: event.ordinal, requestedSeq: kept.rows.seqs[newest]!, rowInput: { inputAt: opening.length } };
}
