import type { RunEvent } from '../engine/contracts/index.js';
import type { EventQuery, StoredEvent } from './trace-store.js';

/** The events a node view is folded from (foldNodeRuns). */
export const NODE_VIEW_TYPES: readonly RunEvent['type'][] = ['node_started', 'node_finished'];
/** The events a leaf view is folded from (foldLeafRuns): the node's, and its leaf effect's completion. */
export const LEAF_VIEW_TYPES: readonly RunEvent['type'][] = [...NODE_VIEW_TYPES, 'effect_completed'];

/** The events of a stream of stored ones, without their sequence numbers. */
export function* eventsOf(stored: Iterable<StoredEvent>): Generator<RunEvent> {
  for (const entry of stored) yield entry.event;
}

/** Whether an event answers a query's type and node filters (the sequence number is the store's to check). */
export function matchesQuery(event: RunEvent, nodeId: string | null, query: EventQuery): boolean {
  if (query.types && !query.types.includes(event.type)) return false;
  return query.nodeId === undefined || nodeId === query.nodeId;
}
