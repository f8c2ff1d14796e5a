import { isAscii } from 'node:buffer';
import type { EffectResult, RunEvent } from '../engine/contracts/index.js';
import { eventTypeCode, eventTypeOfCode, isEventType, RunIdColumn, runIdAt } from './batch-columns.js';
import { CorruptTraceError } from './trace-errors.js';
import { eventFromRow, eventRowBody, type EventRowColumns, type ReferencedOutput } from './event-row.js';
import { NodeRowTexts } from './node-row-texts.js';
import { LARGE_BODY_CHARS, setLargeStringsAside, withLargeStrings, type BodyWithLargeStrings } from './large-event-strings.js';
import { PENDING_OUTPUT_REFERENCE, pendingReferenceIsUnique, RecentEffectOutputs, type OutputReference } from './output-reference.js';

/** Rows a builder's numeric columns hold before they first grow (they double as needed; a full batch is 2,000). */
const INITIAL_COLUMN_ROWS = 256;

/** Strings longer than this (UTF-8 bytes) are stored as blobs and referenced from the event. */
export const DEFAULT_BLOB_THRESHOLD_BYTES = 8 * 1024;

/** The key of the object that stands for a string moved into a blob. */
export const BLOB_REFERENCE_KEY = '$whaleflowBlob';

export interface BlobReference {
  readonly [BLOB_REFERENCE_KEY]: string;
  readonly bytes: number;
}

export function isBlobReference(value: unknown): value is BlobReference {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[BLOB_REFERENCE_KEY] === 'string';
}

/** The event as one row: its JSON with large strings replaced by blob references. */
export interface EncodedEvent {
  readonly payload: string;
  readonly blobHashes: readonly string[];
}

/**
 * Encodes an (already redacted) event for storage as its row's payload (see event-row.ts), a
 * node_finished with `outputReference` in place of its output if given (output-reference.ts).
 * Every string above the threshold, wherever it sits (a leaf output, a transcript, a diff, the
 * spec), goes to `putBlob`; identical content is stored once across runs.
 */
export function encodeEvent(event: RunEvent, putBlob: (content: string) => string, thresholdBytes: number, outputReference?: OutputReference): EncodedEvent {
  const body = eventRowBody(event, outputReference);
  return encodeRowBody(body, putBlob, thresholdBytes, JSON.stringify(body));
}

function encodeRowBody(body: object, putBlob: (content: string) => string, thresholdBytes: number, json?: string): EncodedEvent {
  // Fast path: no string can exceed the threshold if the whole JSON does not.
  if (json !== undefined && json.length <= thresholdBytes / 3) return { payload: json, blobHashes: [] };
  if (!hasLongString(body, thresholdBytes)) return { payload: json ?? JSON.stringify(body), blobHashes: [] };
  const blobHashes: string[] = [];
  const externalize = (value: unknown): unknown => {
    if (typeof value === 'string') {
      // A string can't exceed the threshold in bytes with fewer than threshold/3 UTF-16 units.
      if (value.length * 3 <= thresholdBytes) return value;
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes <= thresholdBytes) return value;
      const hash = putBlob(value);
      blobHashes.push(hash);
      return { [BLOB_REFERENCE_KEY]: hash, bytes } satisfies BlobReference;
    }
    if (Array.isArray(value)) return value.map(externalize);
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) copy[name] = externalize(item);
      return copy;
    }
    return value;
  };
  return { payload: JSON.stringify(externalize(body)), blobHashes };
}

/**
 * Events serialized once, as columns: the columns the store indexes, and each row's payload JSON
 * (the event without what the columns hold: see event-row.ts). This is all a writer thread needs
 * (the common event is stored as this very JSON, without a parse), and it crosses to that thread
 * as five columns rather than an object per event (batch-columns.ts). An event with a large string (a big
 * workflow's spec, a fan-in's prompt) has it set aside (large-event-strings.ts): `largeStrings`
 * holds them by the event's index, and its JSON holds placeholders.
 */
export interface SerializedBatch {
  /** The events' run id: once when they are all of one run, else one per event (runIdAt). */
  readonly runIds: string | readonly string[];
  /** Each event's type as its number (eventTypeOfCode). */
  readonly types: Uint8Array;
  readonly nodeIds: readonly (string | null)[];
  readonly at: Float64Array;
  readonly json: readonly string[];
  readonly largeStrings?: ReadonlyMap<number, readonly string[]>;
  /** The indexes (ascending) of node_finished events whose JSON holds a pending output reference (output-reference.ts). */
  readonly outputReferences?: readonly number[];
}

/**
 * Builds a SerializedBatch event by event: the event object need not outlive its emit. One
 * builder feeds one store, batch after batch in order (a sink's): a node_finished may refer to
 * an effect_completed of an earlier batch (output-reference.ts).
 */
export class SerializedBatchBuilder {
  private readonly runIds = new RunIdColumn();
  /** The numeric columns, reused from batch to batch (take() copies what it hands on). */
  private types = new Uint8Array(INITIAL_COLUMN_ROWS);
  private at = new Float64Array(INITIAL_COLUMN_ROWS);
  private nodeIds: (string | null)[] = [];
  private json: string[] = [];
  private largeStrings: Map<number, readonly string[]> | undefined;
  private outputReferences: number[] | undefined;
  private readonly effectOutputs = new RecentEffectOutputs();
  private readonly nodeRows = new NodeRowTexts();

  get length(): number {
    return this.json.length;
  }

  add(event: RunEvent): void {
    const index = this.json.length;
    // What can throw first (an unknown type, a value JSON cannot hold): an event refused leaves no
    // column longer than the others, so the events after it keep their own run and node ids.
    const nodeId = nodeIdOf(event);
    const json = this.bodyJson(event);
    if (index === this.at.length) this.growColumns();
    this.runIds.add(event.runId);
    this.types[index] = eventTypeCode(event.type);
    this.nodeIds.push(nodeId);
    this.at[index] = event.at;
    this.json.push(json);
  }

  private growColumns(): void {
    const types = new Uint8Array(this.types.length * 2);
    types.set(this.types);
    this.types = types;
    const at = new Float64Array(this.at.length * 2);
    at.set(this.at);
    this.at = at;
  }

  private bodyJson(event: RunEvent): string {
    if (event.type === 'node_started') return this.plainOrAside(event, this.nodeRows.startedJson(event));
    const effect = this.effectOutputs.referredEffect(event);
    if (effect !== undefined && event.type === 'node_finished') {
      const referring = this.plainOrAside(event, this.nodeRows.finishedJson(event, effect), PENDING_OUTPUT_REFERENCE, effect);
      // Without details, every other value of a node_finished is a string or a number, which cannot spell it.
      if (event.details === undefined || pendingReferenceIsUnique(referring)) {
        (this.outputReferences ??= []).push(this.json.length);
        return referring;
      }
      // Anything set aside for the referring JSON goes with it: the plain one sets its own aside.
      this.largeStrings?.delete(this.json.length);
    }
    return this.plainOrAside(event);
  }

  /**
   * The row JSON of `event` (eventRowBody's arguments after it), with large strings set aside if it
   * has any; `known`: that JSON if already made (NodeRowTexts), the body then made only if it is too long.
   */
  private plainOrAside(event: RunEvent, known?: string, outputReference?: OutputReference, effect?: EffectResult): string {
    const body = known === undefined ? eventRowBody(event, outputReference, effect) : undefined;
    const plain = known ?? (mayCarryLargeString(event) ? undefined : JSON.stringify(body));
    if (plain !== undefined && plain.length <= LARGE_BODY_CHARS) return plain;
    const aside = setLargeStringsAside(body ?? eventRowBody(event, outputReference, effect));
    if (aside.strings.length > 0) (this.largeStrings ??= new Map()).set(this.json.length, aside.strings);
    return aside.json;
  }

  /** The batch so far; the builder starts empty again. */
  take(): SerializedBatch {
    const count = this.json.length;
    const batch: SerializedBatch = {
      runIds: this.runIds.take(),
      types: this.types.slice(0, count),
      nodeIds: this.nodeIds,
      at: this.at.slice(0, count),
      json: this.json,
      ...(this.largeStrings ? { largeStrings: this.largeStrings } : {}),
      ...(this.outputReferences ? { outputReferences: this.outputReferences } : {}),
    };
    this.nodeIds = [];
    this.json = [];
    this.largeStrings = undefined;
    this.outputReferences = undefined;
    return batch;
  }
}

/**
 * Events serialized with their large strings set aside from the start, without a plain
 * serialization first: run_started (the spec) and the requests of reduces, judges and selections,
 * whose prompts hold their inputs' outputs (a fan-in of 100,000 leaves asks with ~24 MB, which a
 * plain serialization would copy, escaped, at the run's peak of memory). They are few per run;
 * the per-leaf events take the plain path.
 */
function mayCarryLargeString(event: RunEvent): boolean {
  return event.type === 'run_started' || (event.type === 'effect_requested' && event.kind !== 'leaf' && event.kind !== 'memory');
}

/**
 * The event at `index` of a batch, whole again (the writer's failed-run marker starts from it);
 * not for a node_finished with a pending output reference, whose output is not in the batch.
 */
export function batchEvent(batch: SerializedBatch, index: number): RunEvent {
  const strings = batch.largeStrings?.get(index);
  const body = strings ? withLargeStrings({ json: batch.json[index]!, strings }) : (JSON.parse(batch.json[index]!) as object);
  return eventFromRow(body, { type: eventTypeOfCode(batch.types[index]!), runId: runIdAt(batch.runIds, index), at: batch.at[index]!, nodeId: batch.nodeIds[index]! }) as RunEvent;
}

export function serializeEvents(events: readonly RunEvent[]): SerializedBatch {
  const builder = new SerializedBatchBuilder();
  for (const event of events) builder.add(event);
  return builder.take();
}

interface EventRedactor {
  mayContainSecret(json: string): boolean;
  redact<T>(value: T): T;
}

/**
 * Redacts (only when the JSON suggests a secret) and moves large strings to blobs; `serialized`
 * is a row body's JSON, with `largeStrings` set aside from it if it had any (SerializedBatch).
 */
export function encodeSerializedEvent(
  serialized: string,
  type: RunEvent['type'],
  redactor: EventRedactor,
  putBlob: (content: string) => string,
  thresholdBytes: number,
  largeStrings?: readonly string[],
): EncodedEvent {
  if (largeStrings) return encodeWithLargeStrings({ json: serialized, strings: largeStrings }, type, redactor, putBlob, thresholdBytes);
  let json = serialized;
  let body: object | undefined;
  if (redactor.mayContainSecret(json)) {
    const parsed = JSON.parse(json) as object;
    body = redactor.redact(parsed);
    // Its key was computed from the input before redaction: replay must know to match it by input.
    if (body !== parsed && type === 'effect_requested') body = { ...body, redacted: true };
    json = JSON.stringify(body);
  }
  if (json.length <= thresholdBytes / 3) return { payload: json, blobHashes: [] };
  return encodeRowBody(body ?? (JSON.parse(json) as object), putBlob, thresholdBytes, json);
}

/** encodeSerializedEvent for a body whose large strings were set aside: the same redaction and blobs, without their escaped text. */
function encodeWithLargeStrings(aside: BodyWithLargeStrings, type: RunEvent['type'], redactor: EventRedactor, putBlob: (content: string) => string, thresholdBytes: number): EncodedEvent {
  let body = withLargeStrings(aside);
  if (redactor.mayContainSecret(aside.json) || aside.strings.some((text) => redactor.mayContainSecret(text))) {
    const redacted = redactor.redact(body);
    // As above: a redacted request is matched by its input on replay.
    body = redacted !== body && type === 'effect_requested' ? { ...redacted, redacted: true } : redacted;
  }
  return encodeRowBody(body, putBlob, thresholdBytes);
}

/** True when some string in the value could be above the threshold; avoids copying small events. */
function hasLongString(value: unknown, thresholdBytes: number): boolean {
  if (typeof value === 'string') return value.length * 3 > thresholdBytes;
  if (Array.isArray(value)) return value.some((item) => hasLongString(item, thresholdBytes));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((item) => hasLongString(item, thresholdBytes));
  return false;
}

/**
 * Restores an event from its row (payload and envelope columns), reading referenced blobs back
 * into strings and a referenced output from its row (`referencedOutput`, the store's reader).
 * The result is unchecked: see eventShapeProblem.
 */
export function decodeEvent(payload: string, columns: EventRowColumns, getBlob: (hash: string) => Buffer | undefined, referencedOutput?: ReferencedOutput): RunEvent {
  return eventFromRow(restoreBlobs(payload, getBlob), columns, referencedOutput) as RunEvent;
}

/**
 * A blob's UTF-8 text. Most blobs (a recorded spec, outputs, diffs) are ASCII, and Node turns
 * ASCII bytes into a string with one copy, where its UTF-8 decoder took ~25 ms for a 10,000-leaf
 * spec of 4 MB: the decoder is kept for the rest. Both give the same string for ASCII bytes.
 */
export function blobText(content: Buffer): string {
  return isAscii(content) ? content.toString('ascii') : content.toString('utf8');
}

function restoreBlobs(payload: string, getBlob: (hash: string) => Buffer | undefined): unknown {
  const parsed = JSON.parse(payload) as unknown;
  if (!payload.includes(BLOB_REFERENCE_KEY)) return parsed;
  const restore = (value: unknown): unknown => {
    if (isBlobReference(value)) {
      const hash = value[BLOB_REFERENCE_KEY];
      const content = getBlob(hash);
      if (content === undefined) throw new CorruptTraceError(`event refers to blob ${hash}, which is missing`);
      return blobText(content);
    }
    if (Array.isArray(value)) return value.map(restore);
    if (typeof value === 'object' && value !== null) {
      const copy: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) copy[name] = restore(item);
      return copy;
    }
    return value;
  };
  return restore(parsed);
}

/**
 * Why a decoded row is not a usable event of `runId`, or undefined when it is. Only the
 * envelope is checked (an object of a known type belonging to the run); the engine wrote it.
 */
export function eventShapeProblem(value: unknown, runId: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an event object';
  const { type, runId: owner } = value as { type?: unknown; runId?: unknown };
  if (typeof type !== 'string' || !isEventType(type)) return `unknown event type ${JSON.stringify(type)}`;
  if (owner !== runId) return `it belongs to run ${JSON.stringify(owner)}`;
  return undefined;
}

/** The node an event belongs to, for indexing (effects belong to their scope's node). */
export function nodeIdOf(event: RunEvent): string | null {
  switch (event.type) {
    case 'node_started':
    case 'node_finished':
    case 'decision':
    case 'activity':
    case 'leaf_stopped':
    case 'leaf_placed':
      return event.nodeId;
    case 'effect_requested':
    case 'effect_completed':
      return event.scope.nodeId;
    case 'cancel_requested':
      return event.nodeId;
    case 'run_started':
    case 'run_finished':
    case 'heartbeat':
      return null;
    default:
      return assertEventNever(event);
  }
}

function assertEventNever(event: never): never {
  throw new CorruptTraceError(`unknown event type in ${JSON.stringify(event)}`);
}
