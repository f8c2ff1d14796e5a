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

interface Arc {
  readonly to: number;
  readonly reference?: ReferenceEdge;
}

/**
 * Finds references that can never all be satisfied together. Each node becomes two events,
 * start and finish; containment, sequence order and references order them. A cycle among the
 * events is a deadlock. Returns one cycle per group of deadlocked references, as the reference
 * edges on it, in order.
 */
export function findReferenceCycles(locations: readonly NodeLocation[], references: readonly ReferenceEdge[]): ReferenceEdge[][] {
  if (references.length === 0) return [];
  const indexOf = new Map<NodeSpec, number>();
  locations.forEach((location, index) => indexOf.set(location.node, index));
  const start = (node: NodeSpec): number => 2 * (indexOf.get(node) ?? 0);
  const finish = (node: NodeSpec): number => start(node) + 1;
  const arcs: Arc[][] = Array.from({ length: 2 * locations.length }, () => []);
  const addArc = (from: number, to: number, reference?: ReferenceEdge): void => {
    arcs[from]?.push(reference ? { to, reference } : { to });
  };

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

  return collectCycles(arcs);
}

/** Iterative DFS; each back edge closes a cycle, reported once by the references on it. */
function collectCycles(arcs: readonly Arc[][]): ReferenceEdge[][] {
  const state = new Uint8Array(arcs.length); // 0 unseen, 1 on stack, 2 done
  const cycles: ReferenceEdge[][] = [];
  const reported = new Set<ReferenceEdge>();
  for (let root = 0; root < arcs.length; root += 1) {
    if (state[root] !== 0) continue;
    const stack: { vertex: number; next: number; via?: Arc }[] = [{ vertex: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const arc = arcs[frame.vertex]![frame.next];
      if (!arc) {
        state[frame.vertex] = 2;
        stack.pop();
        continue;
      }
      frame.next += 1;
      if (state[arc.to] === 0) {
        state[arc.to] = 1;
        stack.push({ vertex: arc.to, next: 0, via: arc });
      } else if (state[arc.to] === 1) {
        const onCycle: ReferenceEdge[] = [];
        const from = stack.findIndex((entry) => entry.vertex === arc.to);
        for (const entry of stack.slice(from + 1)) if (entry.via?.reference) onCycle.push(entry.via.reference);
        if (arc.reference) onCycle.push(arc.reference);
        if (onCycle.length > 0 && !onCycle.some((reference) => reported.has(reference))) {
          onCycle.forEach((reference) => reported.add(reference));
          cycles.push(onCycle);
        }
      }
    }
  }
  return cycles;
}
