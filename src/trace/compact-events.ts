import type { CompactionOptions, StoredEvent } from './trace-store.js';

/** What compaction keeps and drops; the stores apply it in their own way. */
export interface CompactionPlan {
  readonly dropSeqs: readonly number[];
  readonly keep: readonly StoredEvent[];
  readonly blobThresholdBytes: number;
}

export const DEFAULT_COMPACTION_BLOB_THRESHOLD_BYTES = 256;

/**
 * Replay and resume read run_started (the spec), effect events and run_finished; inspect reads
 * node events and decisions. Activity lines and heartbeats are progress only, so they go;
 * everything kept has its larger strings moved to blobs. What replay reads is unchanged.
 */
export function compactEvents(events: readonly StoredEvent[], options: CompactionOptions): CompactionPlan {
  const dropProgress = options.dropProgressEvents ?? true;
  const isProgress = (stored: StoredEvent): boolean => stored.event.type === 'activity' || stored.event.type === 'heartbeat';
  return {
    dropSeqs: dropProgress ? events.filter(isProgress).map((stored) => stored.seq) : [],
    keep: dropProgress ? events.filter((stored) => !isProgress(stored)) : events,
    blobThresholdBytes: options.blobThresholdBytes ?? DEFAULT_COMPACTION_BLOB_THRESHOLD_BYTES,
  };
}
