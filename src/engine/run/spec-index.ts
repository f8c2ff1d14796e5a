import { childListsOf, referencesOf, type NodeSpec, type WorkflowSpec } from '../../ir/index.js';

/**
 * What dataflow waits need to know about where nodes sit: the loops enclosing each node that
 * lives in a loop body (only those, to stay small on huge specs), and every id in the run
 * (for expand output). Expanded nodes are added when they are generated.
 */
export class SpecIndex {
  /** Enclosing loop ids, outermost first, for nodes inside loop bodies only. */
  private readonly enclosingLoops = new Map<string, readonly string[]>();
  private readonly expandedIds: string[] = [];
  private readonly externalReferences = new WeakMap<NodeSpec, readonly string[]>();

  constructor(private readonly spec: WorkflowSpec) {
    this.indexLoops(spec.nodes, []);
  }

  /** Records generated nodes (under `parent`, an expand node) so later waits and expansions know them. */
  addList(nodes: readonly NodeSpec[], parent: NodeSpec | null): void {
    const loops = parent ? (this.enclosingLoops.get(parent.spec.id) ?? []) : [];
    this.indexLoops(nodes, loops);
    for (const node of nodes) this.expandedIds.push(...subtreeIds(node));
  }

  private indexLoops(nodes: readonly NodeSpec[], outer: readonly string[]): void {
    const stack: { node: NodeSpec; loops: readonly string[] }[] = nodes.map((node) => ({ node, loops: outer }));
    while (stack.length > 0) {
      const { node, loops } = stack.pop()!;
      if (loops.length > 0) this.enclosingLoops.set(node.spec.id, loops);
      const inner = node.kind === 'loop_until' ? [...loops, node.spec.id] : loops;
      for (const list of childListsOf(node)) for (const child of list.nodes) stack.push({ node: child, loops: inner });
    }
  }

  /** Every node id of the run so far: the spec's and the expanded ones. */
  ids(): string[] {
    const ids: string[] = [];
    for (const node of this.spec.nodes) ids.push(...subtreeIds(node));
    return [...ids, ...this.expandedIds];
  }

  /**
   * The node to wait for before reading `producerId` from `consumerId`: a producer inside a loop
   * body the consumer is not in is final only when the outermost such loop has finished.
   */
  waitTarget(producerId: string, consumerId: string): string {
    const producerLoops = this.enclosingLoops.get(producerId);
    if (!producerLoops) return producerId;
    const consumerLoops = new Set(this.enclosingLoops.get(consumerId) ?? []);
    consumerLoops.add(consumerId);
    return producerLoops.find((loop) => !consumerLoops.has(loop)) ?? producerId;
  }

  /**
   * References from inside a node's subtree to nodes outside it, that must be settled before
   * the node may take a concurrency slot (so waiting never holds a slot a producer needs).
   * A tournament's own candidates are not blocking: it watches them finish.
   */
  externalReferencesOf(node: NodeSpec): readonly string[] {
    if (node.kind === 'leaf' && node.spec.depends_on_results.length === 0) return NO_REFERENCES;
    const cached = this.externalReferences.get(node);
    if (cached) return cached;
    const inside = new Set<string>();
    const references: string[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop()!;
      inside.add(current.spec.id);
      // A tournament itself watches its candidates finish (speculation); nested deeper, it must
      // not hold its container's slot while candidates outside wait for one.
      if (current !== node || current.kind !== 'tournament') for (const { ids } of referencesOf(current)) references.push(...ids);
      for (const list of childListsOf(current)) stack.push(...list.nodes);
    }
    const external = [...new Set(references.filter((id) => !inside.has(id)))];
    this.externalReferences.set(node, external);
    return external;
  }
}

const NO_REFERENCES: readonly string[] = Object.freeze([]);

/** Every node of a subtree, the node itself included. */
export function subtreeIds(node: NodeSpec): string[] {
  const ids: string[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    ids.push(current.spec.id);
    for (const list of childListsOf(current)) stack.push(...list.nodes);
  }
  return ids;
}
