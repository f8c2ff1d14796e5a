import type { NodeSpec } from '../schema/node-spec.js';
import type { DocumentPath } from '../source-map.js';
import { childListsOf, type NodeLocation } from '../walk-nodes.js';

/** A satisfiable-looking reference: `consumer` starts only after `producer` finishes. */
export interface ReferenceEdge {
  readonly consumer: NodeSpec;
  readonly consumerPath: DocumentPath;
  readonly producer: NodeSpec;
  readonly field: string;
}

/**
 * Finds references that can never all be satisfied together. Each node becomes two events,
 * start and finish; containment, sequence order and references order them. A cycle among the
 * events is a deadlock. Returns one cycle per group of deadlocked references, as the reference
 * edges on it, in order.
 *
 * The event graph is stored compactly (CSR: one Int32Array of arc targets, grouped by source
 * event, in the order the arcs are added): it has two events and about four arcs per node, and
 * an array plus an object per arc made it the largest allocation of validating a big spec.
 */
export function findReferenceCycles(locations: readonly NodeLocation[], references: readonly ReferenceEdge[]): ReferenceEdge[][] {
  if (references.length === 0) return [];
  const indexOf = new Map<NodeSpec, number>();
  locations.forEach((location, index) => indexOf.set(location.node, index));
  const vertexCount = 2 * locations.length;
  // Pass one counts each event's arcs, pass two writes them: the same walk both times.
  const offsets = new Int32Array(vertexCount + 1);
  forEachArc(locations, references, indexOf, (from) => {
    offsets[from + 1]! += 1;
  });
  for (let vertex = 0; vertex < vertexCount; vertex += 1) offsets[vertex + 1]! += offsets[vertex]!;
  const targets = new Int32Array(offsets[vertexCount]!);
  const filled = offsets.slice(0, vertexCount);
  const referenceAt = new Map<number, ReferenceEdge>();
  forEachArc(locations, references, indexOf, (from, to, reference) => {
    const position = filled[from]!;
    filled[from] = position + 1;
    targets[position] = to;
    if (reference) referenceAt.set(position, reference);
  });
  return collectCycles({ offsets, targets, referenceAt });
}

/** Every arc of the event graph, in a fixed order: sequence order, containment, then references. */
function forEachArc(
  locations: readonly NodeLocation[],
  references: readonly ReferenceEdge[],
  indexOf: ReadonlyMap<NodeSpec, number>,
  addArc: (from: number, to: number, reference?: ReferenceEdge) => void,
): void {
  const start = (node: NodeSpec): number => 2 * (indexOf.get(node) ?? 0);
  const finish = (node: NodeSpec): number => start(node) + 1;
  const orderSequentially = (nodes: readonly NodeSpec[]): void => {
    for (let index = 1; index < nodes.length; index += 1) addArc(finish(nodes[index - 1]!), start(nodes[index]!));
  };
  orderSequentially(locations.filter((location) => location.ancestors.length === 0).map((location) => location.node));
  for (const { node } of locations) {
    addArc(start(node), finish(node));
    for (const list of childListsOf(node)) {
      // A template is a pattern for generated nodes, never run itself.
      if (list.field === 'template') continue;
      for (const child of list.nodes) {
        addArc(start(node), start(child));
        addArc(finish(child), finish(node));
      }
      const parallel = node.kind === 'branch_set' && node.spec.parallel;
      if (!parallel) orderSequentially(list.nodes);
    }
  }
  for (const reference of references) addArc(finish(reference.producer), start(reference.consumer), reference);
}

interface EventGraph {
  /** Arcs of event v are targets[offsets[v]] … targets[offsets[v + 1] - 1]. */
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  /** The reference an arc stands for, by arc position (most arcs are structural). */
  readonly referenceAt: ReadonlyMap<number, ReferenceEdge>;
}

/** Iterative DFS; each back edge closes a cycle, reported once by the references on it. */
function collectCycles(graph: EventGraph): ReferenceEdge[][] {
  const { offsets, targets, referenceAt } = graph;
  const vertexCount = offsets.length - 1;
  const state = new Uint8Array(vertexCount); // 0 unseen, 1 on stack, 2 done
  const cycles: ReferenceEdge[][] = [];
  const reported = new Set<ReferenceEdge>();
  for (let root = 0; root < vertexCount; root += 1) {
    if (state[root] !== 0) continue;
    // `next` is the position of the next arc to follow; `via` the arc that led here (-1 at the root).
    const stack: { vertex: number; next: number; via: number }[] = [{ vertex: root, next: offsets[root]!, via: -1 }];
    state[root] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= offsets[frame.vertex + 1]!) {
        state[frame.vertex] = 2;
        stack.pop();
        continue;
      }
      const arc = frame.next;
      const to = targets[arc]!;
      frame.next += 1;
      if (state[to] === 0) {
        state[to] = 1;
        stack.push({ vertex: to, next: offsets[to]!, via: arc });
      } else if (state[to] === 1) {
        const onCycle: ReferenceEdge[] = [];
        const from = stack.findIndex((entry) => entry.vertex === to);
        for (const entry of stack.slice(from + 1)) {
          const reference = referenceAt.get(entry.via);
          if (reference) onCycle.push(reference);
        }
        const closing = referenceAt.get(arc);
        if (closing) onCycle.push(closing);
        if (onCycle.length > 0 && !onCycle.some((reference) => reported.has(reference))) {
          onCycle.forEach((reference) => reported.add(reference));
          cycles.push(onCycle);
        }
      }
    }
  }
  return cycles;
}
