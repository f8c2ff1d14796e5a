import { sha256Hex } from '../util/index.js';
import { compactEvents } from './compact-events.js';
import { isOutputReference, OUTPUT_REFERENCE_KEY, type OutputReference } from './output-reference.js';
import { encodeEvent } from './stored-event-codec.js';
import type { CompactionOptions, StoredEvent } from './trace-store.js';

/** What compacting one run of a SQLite store does: computed without writing (estimates use it alone). */
export interface CompactionWork {
  readonly dropSeqs: readonly number[];
  readonly rewrites: readonly { readonly seq: number; readonly payload: string; readonly blobHashes: readonly string[] }[];
  /** Content of the blobs to create, by hash. */
  readonly newBlobs: ReadonlyMap<string, string>;
  readonly movedToBlobs: number;
  readonly freedBytes: number;
}

export interface CompactionInput {
  /** Each row's payload as stored, by sequence number. */
  readonly stored: ReadonlyMap<number, string>;
  /** The run's events as read back. */
  readonly events: readonly StoredEvent[];
  readonly options: CompactionOptions;
  /** Blobs earlier estimates of a series would create, counted as existing. */
  readonly createdBlobs: ReadonlySet<string>;
  readonly blobExists: (hash: string) => boolean;
}

/**
 * The rows compaction drops and rewrites, the blobs it must create, and the bytes the database
 * holds less afterwards. A kept row is rewritten only when its payload changes; a node_finished
 * that refers to its effect's output keeps referring to it (the output is stored once).
 */
export function compactionWork({ stored, events, options, createdBlobs, blobExists }: CompactionInput): CompactionWork {
  const plan = compactEvents(events, options);
  const newBlobs = new Map<string, string>();
  const collect = (content: string): string => {
    const hash = sha256Hex(Buffer.from(content, 'utf8'));
    if (!newBlobs.has(hash) && !createdBlobs.has(hash) && !blobExists(hash)) newBlobs.set(hash, content);
    return hash;
  };
  let freedBytes = 0;
  for (const seq of plan.dropSeqs) freedBytes += Buffer.byteLength(stored.get(seq) ?? '', 'utf8');
  const rewrites: CompactionWork['rewrites'][number][] = [];
  let movedToBlobs = 0;
  for (const { seq, event } of plan.keep) {
    const before = stored.get(seq) ?? '';
    const encoded = encodeEvent(event, collect, plan.blobThresholdBytes, event.type === 'node_finished' ? storedReference(before) : undefined);
    if (encoded.blobHashes.length === 0 || encoded.payload === before) continue;
    rewrites.push({ seq, payload: encoded.payload, blobHashes: encoded.blobHashes });
    movedToBlobs += encoded.blobHashes.length;
    freedBytes += Buffer.byteLength(before, 'utf8') - Buffer.byteLength(encoded.payload, 'utf8');
  }
  for (const content of newBlobs.values()) freedBytes -= Buffer.byteLength(content, 'utf8');
  return { dropSeqs: plan.dropSeqs, rewrites, newBlobs, movedToBlobs, freedBytes };
}

/** The output reference a node_finished row holds, if it holds one. */
function storedReference(payload: string): OutputReference | undefined {
  if (!payload.includes(OUTPUT_REFERENCE_KEY)) return undefined;
  const output = (JSON.parse(payload) as { output?: unknown }).output;
  return isOutputReference(output) ? output : undefined;
}
