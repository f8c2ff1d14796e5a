import type { EffectKind, EffectResult, EffectScope, RunEvent } from '../engine/contracts/index.js';
import { hasKeysInOrder, sameJsonValue, withLongTextsDigested } from './same-json-value.js';
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
  readonly requestRow?: { readonly input: unknown };
}

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
  /** Its input, when its row has the shape of the engine's own requests (REQUEST_ROW_KEYS). */
  readonly rowInput?: { readonly input: unknown };
}

/** A run's events read from its rows: each is handed to `take` in order, with its row's sequence number. */
export type RecordedEventFeed = (take: (seq: number, event: RunEvent) => void) => void;

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
  /** Effects requested but never completed (in flight at a crash or cancel). */
  readonly unfinished: { readonly kind: EffectKind; readonly key: string; readonly scope: EffectScope; readonly ordinal: number }[] = [];

  /**
   * Reads the events once, in order: a list, or a feed that hands each event to `take` as it is
   * read (a store's rows: only requests in flight are held). A feed gives each event's row
   * sequence number too: a replay that records by reference compares its events with those rows
   * (referencing-replay-sink.ts).
   */
  constructor(events: Iterable<RunEvent> | RecordedEventFeed) {
    const requested = new Map<string, RequestedEffect>();
    const take = (seq: number | undefined, event: RunEvent): void => {
      if (event.type === 'effect_requested') {
        const request: Mutable<RequestedEffect> = { kind: event.kind, key: event.key, scope: event.scope, ordinal: event.ordinal };
        if (event.redacted) request.redactedInput = event.input;
        if (seq !== undefined) {
          request.requestedSeq = seq;
          // Kept only to be compared with the replay's request, which it must equal to be referred to.
          if (hasKeysInOrder(event, REQUEST_ROW_KEYS)) request.rowInput = { input: withLongTextsDigested(event.input) };
        }
        requested.set(effectSlot(event.scope, event.ordinal), request);
      } else if (event.type === 'effect_completed') {
        this.add(event, requested, seq);
      }
    };
    if (typeof events === 'function') events(take);
    else for (const event of events) take(undefined, event);
    for (const [slot, request] of requested) if (!this.bySlot.has(slot)) this.unfinished.push(request);
  }

  private add(event: Extract<RunEvent, { type: 'effect_completed' }>, requested: Map<string, RequestedEffect>, seq: number | undefined): void {
    const slot = effectSlot(event.scope, event.ordinal);
    // The place is named only in an error (placeOf): building it, or a closure for it, for every effect cost garbage per leaf.
    if (this.bySlot.has(slot)) throw new CorruptTraceError(`trace is inconsistent: ${placeOf(event)} is recorded as completed twice`);
    const request = requested.get(slot);
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
    if (seq !== undefined && request.requestedSeq !== undefined) {
      recorded.requestedSeq = request.requestedSeq;
      recorded.completedSeq = seq;
      // The request's scope and ordinal as the completion has them, so the replay's request is compared with those.
      if (request.rowInput && request.ordinal === event.ordinal && sameJsonValue(request.scope, event.scope)) recorded.requestRow = request.rowInput;
    }
    this.bySlot.set(slot, recorded);
  }

  /** Lets a request row's input go once a replay matched it (RecordedRowMatcher compares it once): a wide replay holds fewer at a time. */
  releaseRequestRow(effect: RecordedEffect): void {
    (effect as Mutable<RecordedEffect>).requestRow = undefined;
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
