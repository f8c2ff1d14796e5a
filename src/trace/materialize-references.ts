import { encodeEvent, nodeIdOf } from './stored-event-codec.js';
import type { RunReference } from './run-references.js';
import type { StoredEvent } from './trace-store.js';

/** What writing a run's references out as rows needs of the store (inside its maintenance transaction). */
export interface MaterializeAccess {
  /** The events a reference stands for, already as the referring run's. */
  read(reference: RunReference): readonly StoredEvent[];
  putBlob(content: string): string;
  readonly blobThresholdBytes: number;
  insertRow(row: readonly (string | number | null)[]): void;
  insertRunBlob(hash: string): void;
  dropReference(reference: RunReference): void;
}

/**
 * Replaces `references` of `runId` by the rows they stand for, at the sequence numbers they take:
 * what the janitor does to a replay before it deletes the run the replay refers to. Each event is
 * stored whole (its output in place, not referring to another row), with its blobs counted as the
 * run's, so that nothing of it depends on the source run any more.
 */
export function materializeReferences(runId: string, references: readonly RunReference[], access: MaterializeAccess): void {
  for (const reference of references) {
    const events = access.read(reference);
    for (const { seq, event } of events) {
      const encoded = encodeEvent(event, access.putBlob, access.blobThresholdBytes);
      for (const hash of encoded.blobHashes) access.insertRunBlob(hash);
      access.insertRow([runId, seq, event.type, nodeIdOf(event), event.at, encoded.payload]);
    }
    access.dropReference(reference);
  }
}
