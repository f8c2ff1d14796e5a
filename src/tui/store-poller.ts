import type { TraceStore } from '../trace/index.js';
import type { EventBatch } from './view-state.js';

/** Runs the list follows; older ones are not read at all. */
export const DEFAULT_LIST_LIMIT = 100;

/**
 * Reads what changed in the store since the last poll: new runs, and the events after the
 * last sequence number seen of every run that has not finished. A finished run is read
 * once and never again, so a poll over 100 runs costs one small query per live run.
 */
export class StorePoller {
  private readonly cursors = new Map<string, { nextSeq: number; finished: boolean }>();

  constructor(
    private readonly store: Pick<TraceStore, 'listRuns' | 'readableEvents'>,
    private readonly limit: number = DEFAULT_LIST_LIMIT,
  ) {}

  poll(): EventBatch[] {
    const batches: EventBatch[] = [];
    for (const run of this.store.listRuns({ limit: this.limit })) {
      let cursor = this.cursors.get(run.runId);
      if (!cursor) {
        cursor = { nextSeq: 0, finished: false };
        this.cursors.set(run.runId, cursor);
      }
      if (cursor.finished) continue;
      // Readable events: one damaged row shows its run as damaged instead of stopping the TUI.
      const { events, damaged } = this.store.readableEvents(run.runId, cursor.nextSeq);
      const lastSeq = Math.max(events[events.length - 1]?.seq ?? -1, damaged[damaged.length - 1]?.seq ?? -1);
      if (lastSeq < 0) continue;
      cursor.nextSeq = lastSeq + 1;
      if (events.some((stored) => stored.event.type === 'run_finished')) cursor.finished = true;
      batches.push({ runId: run.runId, events, damaged });
    }
    return batches;
  }
}
