import type { RunEvent, RunEventOf } from '../engine/index.js';
import { judgedFields, type CompareOptions, type ParityVerdict } from './compare-results.js';
import { describeDifference } from './describe-difference.js';

/** The node_finished fields that make a node's result, under the names NodeResult gives them. */
const FIELDS = [
  ['status', (event) => event.status],
  ['output', (event) => event.output],
  ['error', (event) => event.error],
  ['usage', (event) => event.usage],
  ['memo_usage', (event) => event.memoUsage],
  ['details', (event) => event.details],
] as const satisfies readonly (readonly [string, (event: RunEventOf<'node_finished'>) => unknown])[];

/**
 * Node executions of one run: node_finished by (node, iteration, occurrence), and where each node
 * sits. Built from a run's events, or event by event as a replay emits them (`add`), which keeps
 * a node_started only as its parent's id. The index is built when first read: a replay whose
 * result digest equals the recording's never reads it, and building it as the replay ran cost
 * two keys and three map entries per node.
 */
export class NodeRecord {
  private readonly finishedEvents: RunEventOf<'node_finished'>[] = [];
  /** Each started node and its parent, side by side. */
  private readonly startedIds: string[] = [];
  private readonly startedParents: (string | null)[] = [];
  private index: { readonly finished: Map<string, RunEventOf<'node_finished'>>; readonly parents: Map<string, string | null> } | undefined;

  constructor(events: Iterable<RunEvent> = []) {
    for (const event of events) this.add(event);
  }

  add(event: RunEvent): void {
    if (event.type === 'node_started') {
      this.startedIds.push(event.nodeId);
      this.startedParents.push(event.parentId);
    } else if (event.type === 'node_finished') this.finishedEvents.push(event);
    else return;
    this.index = undefined;
  }

  /** node_finished by `node, iteration, occurrence`, in the order they came. */
  get finished(): ReadonlyMap<string, RunEventOf<'node_finished'>> {
    return this.indexed().finished;
  }

  /** The node's ids from the top of the workflow down, as compareResults names places: `fan/leaf-3`. */
  pathOf(nodeId: string): string {
    const { parents } = this.indexed();
    const ids = [nodeId];
    for (let parent = parents.get(nodeId); parent != null && ids.length < 10_000; parent = parents.get(parent)) ids.unshift(parent);
    return ids.join('/');
  }

  private indexed(): NonNullable<NodeRecord['index']> {
    if (this.index) return this.index;
    const parents = new Map<string, string | null>();
    this.startedIds.forEach((nodeId, position) => parents.set(nodeId, this.startedParents[position]!));
    const finished = new Map<string, RunEventOf<'node_finished'>>();
    const seen = new Map<string, number>();
    for (const event of this.finishedEvents) {
      const scope = `${event.nodeId}\u0000${event.iteration}`;
      const occurrence = seen.get(scope) ?? 0;
      seen.set(scope, occurrence + 1);
      finished.set(`${scope}\u0000${occurrence}`, event);
    }
    return (this.index = { finished, parents });
  }
}

/**
 * The first node whose result differs between a recording and its replay, judged from their
 * node_finished events (a run's node results, one event each; children finish before their
 * container, so the deepest difference is named first, as compareResults does). Undefined when
 * every node matches.
 */
export function compareNodeEvents(recorded: Iterable<RunEvent>, replayed: Iterable<RunEvent> | NodeRecord, options: Pick<CompareOptions, 'resultsOnly'> = {}): ParityVerdict | undefined {
  const judged = judgedFields(options);
  const before = new NodeRecord(recorded);
  const after = replayed instanceof NodeRecord ? replayed : new NodeRecord(replayed);
  for (const [key, left] of before.finished) {
    const right = after.finished.get(key);
    const path = before.pathOf(left.nodeId);
    if (!right) return { identical: false, divergedAt: path, detail: `the replay lacks node "${left.nodeId}"` };
    for (const [field, read] of FIELDS) {
      if (!judged.has(field)) continue;
      const difference = describeDifference(field, read(left), read(right));
      if (difference) return { identical: false, divergedAt: path, detail: difference };
    }
  }
  for (const [key, right] of after.finished) {
    if (!before.finished.has(key)) return { identical: false, divergedAt: after.pathOf(right.nodeId), detail: `the replay has an extra node "${right.nodeId}"` };
  }
  return undefined;
}
